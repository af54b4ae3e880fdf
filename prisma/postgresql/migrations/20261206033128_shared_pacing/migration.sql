-- CreateTable
CREATE TABLE "PaceCall" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PaceCall_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PacePause" (
    "key" TEXT NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PacePause_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "PaceCall_key_at_idx" ON "PaceCall"("key", "at");

