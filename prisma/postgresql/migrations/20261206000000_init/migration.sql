-- The whole schema as of SQLite's migrations up to 20261130010000_rebound_index (PostgreSQL starts here).

-- CreateTable
CREATE TABLE "Unit" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "parentId" INTEGER,
    "aliases" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Unit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Point" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "gridId" INTEGER NOT NULL,
    "aliases" JSONB NOT NULL,
    "key" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Point_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Person" (
    "id" SERIAL NOT NULL,
    "openId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "mobile" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Duty" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Duty_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChatBinding" (
    "id" SERIAL NOT NULL,
    "chatId" TEXT NOT NULL,
    "name" TEXT,
    "unitId" INTEGER NOT NULL,
    "purpose" TEXT NOT NULL,
    "digestTime" TEXT NOT NULL DEFAULT '18:00',
    "settings" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChatBinding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Category" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "class" TEXT NOT NULL,
    "keywords" JSONB NOT NULL,
    "deadlineHours" INTEGER NOT NULL,
    "workingDays" BOOLEAN NOT NULL DEFAULT false,
    "defaultDepartmentId" INTEGER,
    "afterPhotoRequired" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Category_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Issue" (
    "id" SERIAL NOT NULL,
    "number" INTEGER NOT NULL,
    "categoryId" INTEGER,
    "gridId" INTEGER,
    "pointId" INTEGER,
    "text" TEXT NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "reporterId" INTEGER NOT NULL,
    "assigneePersonId" INTEGER,
    "assigneeUnitId" INTEGER,
    "deadline" TIMESTAMP(3),
    "status" TEXT NOT NULL,
    "reportedAt" TIMESTAMP(3) NOT NULL,
    "assignedAt" TIMESTAMP(3),
    "acceptedAt" TIMESTAMP(3),
    "rectifiedAt" TIMESTAMP(3),
    "rectifiedById" INTEGER,
    "closedAt" TIMESTAMP(3),
    "rejectedAt" TIMESTAMP(3),
    "rejectReason" TEXT,
    "sourceChatId" TEXT,
    "sourceMessageId" TEXT,
    "cardMessageId" TEXT,
    "duplicateOfId" INTEGER,
    "suspectedDuplicateOfId" INTEGER,
    "reboundOfId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Issue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Photo" (
    "id" SERIAL NOT NULL,
    "issueId" INTEGER NOT NULL,
    "stage" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "mime" TEXT NOT NULL,
    "sourceMessageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Photo_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LarkImage" (
    "sha256" TEXT NOT NULL,
    "imageKey" TEXT NOT NULL,
    "uploadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LarkImage_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "IssueEvent" (
    "id" SERIAL NOT NULL,
    "issueId" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "actorId" INTEGER,
    "at" TIMESTAMP(3) NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT,
    "reason" TEXT,
    "data" JSONB NOT NULL,

    CONSTRAINT "IssueEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrgRevision" (
    "id" INTEGER NOT NULL,
    "token" TEXT NOT NULL,

    CONSTRAINT "OrgRevision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Sequence" (
    "name" TEXT NOT NULL,
    "value" INTEGER NOT NULL,

    CONSTRAINT "Sequence_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" SERIAL NOT NULL,
    "eventId" TEXT NOT NULL,
    "messageId" TEXT,
    "eventType" TEXT NOT NULL,
    "chatId" TEXT,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "chatId" TEXT,
    "target" TEXT NOT NULL,
    "msgType" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "replyInThread" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "lastCode" INTEGER,
    "messageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "data" JSONB NOT NULL,

    CONSTRAINT "JobRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PendingPhoto" (
    "id" SERIAL NOT NULL,
    "chatId" TEXT NOT NULL,
    "senderOpenId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "mime" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PendingPhoto_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DigestReview" (
    "id" SERIAL NOT NULL,
    "eventId" TEXT NOT NULL,
    "unitId" INTEGER NOT NULL,
    "date" TEXT NOT NULL,
    "targetUnitId" INTEGER,
    "chatId" TEXT NOT NULL,
    "personId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DigestReview_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Unit_code_key" ON "Unit"("code");

-- CreateIndex
CREATE INDEX "Unit_parentId_idx" ON "Unit"("parentId");

-- CreateIndex
CREATE INDEX "Unit_level_idx" ON "Unit"("level");

-- CreateIndex
CREATE UNIQUE INDEX "Point_code_key" ON "Point"("code");

-- CreateIndex
CREATE INDEX "Point_gridId_idx" ON "Point"("gridId");

-- CreateIndex
CREATE UNIQUE INDEX "Person_openId_key" ON "Person"("openId");

-- CreateIndex
CREATE INDEX "Duty_unitId_role_idx" ON "Duty"("unitId", "role");

-- CreateIndex
CREATE UNIQUE INDEX "Duty_personId_unitId_role_key" ON "Duty"("personId", "unitId", "role");

-- CreateIndex
CREATE UNIQUE INDEX "ChatBinding_chatId_key" ON "ChatBinding"("chatId");

-- CreateIndex
CREATE INDEX "ChatBinding_unitId_idx" ON "ChatBinding"("unitId");

-- CreateIndex
CREATE UNIQUE INDEX "Category_code_key" ON "Category"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Category_name_key" ON "Category"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Issue_number_key" ON "Issue"("number");

-- CreateIndex
CREATE UNIQUE INDEX "Issue_sourceMessageId_key" ON "Issue"("sourceMessageId");

-- CreateIndex
CREATE INDEX "Issue_status_deadline_idx" ON "Issue"("status", "deadline");

-- CreateIndex
CREATE INDEX "Issue_status_gridId_assigneeUnitId_closedAt_idx" ON "Issue"("status", "gridId", "assigneeUnitId", "closedAt");

-- CreateIndex
CREATE INDEX "Issue_rectifiedAt_idx" ON "Issue"("rectifiedAt");

-- CreateIndex
CREATE INDEX "Issue_gridId_reportedAt_idx" ON "Issue"("gridId", "reportedAt");

-- CreateIndex
CREATE INDEX "Issue_categoryId_pointId_idx" ON "Issue"("categoryId", "pointId");

-- CreateIndex
CREATE INDEX "Issue_reportedAt_idx" ON "Issue"("reportedAt");

-- CreateIndex
CREATE INDEX "Issue_closedAt_idx" ON "Issue"("closedAt");

-- CreateIndex
CREATE INDEX "Issue_assigneePersonId_status_idx" ON "Issue"("assigneePersonId", "status");

-- CreateIndex
CREATE INDEX "Issue_reboundOfId_idx" ON "Issue"("reboundOfId");

-- CreateIndex
CREATE INDEX "Photo_sha256_idx" ON "Photo"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "Photo_issueId_sha256_key" ON "Photo"("issueId", "sha256");

-- CreateIndex
CREATE INDEX "IssueEvent_issueId_at_idx" ON "IssueEvent"("issueId", "at");

-- CreateIndex
CREATE INDEX "IssueEvent_at_idx" ON "IssueEvent"("at");

-- CreateIndex
CREATE UNIQUE INDEX "InboundEvent_eventId_key" ON "InboundEvent"("eventId");

-- CreateIndex
CREATE UNIQUE INDEX "InboundEvent_messageId_key" ON "InboundEvent"("messageId");

-- CreateIndex
CREATE INDEX "InboundEvent_status_id_idx" ON "InboundEvent"("status", "id");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_key_key" ON "OutboxMessage"("key");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "JobRun_key_key" ON "JobRun"("key");

-- CreateIndex
CREATE INDEX "JobRun_kind_createdAt_idx" ON "JobRun"("kind", "createdAt");

-- CreateIndex
CREATE INDEX "PendingPhoto_chatId_senderOpenId_sentAt_idx" ON "PendingPhoto"("chatId", "senderOpenId", "sentAt");

-- CreateIndex
CREATE UNIQUE INDEX "PendingPhoto_messageId_sha256_key" ON "PendingPhoto"("messageId", "sha256");

-- CreateIndex
CREATE UNIQUE INDEX "DigestReview_eventId_key" ON "DigestReview"("eventId");

-- CreateIndex
CREATE INDEX "DigestReview_unitId_date_idx" ON "DigestReview"("unitId", "date");

-- AddForeignKey
ALTER TABLE "Unit" ADD CONSTRAINT "Unit_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Point" ADD CONSTRAINT "Point_gridId_fkey" FOREIGN KEY ("gridId") REFERENCES "Unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Duty" ADD CONSTRAINT "Duty_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Duty" ADD CONSTRAINT "Duty_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChatBinding" ADD CONSTRAINT "ChatBinding_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Category" ADD CONSTRAINT "Category_defaultDepartmentId_fkey" FOREIGN KEY ("defaultDepartmentId") REFERENCES "Unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Issue" ADD CONSTRAINT "Issue_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Issue" ADD CONSTRAINT "Issue_gridId_fkey" FOREIGN KEY ("gridId") REFERENCES "Unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Issue" ADD CONSTRAINT "Issue_pointId_fkey" FOREIGN KEY ("pointId") REFERENCES "Point"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Issue" ADD CONSTRAINT "Issue_reporterId_fkey" FOREIGN KEY ("reporterId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Issue" ADD CONSTRAINT "Issue_assigneePersonId_fkey" FOREIGN KEY ("assigneePersonId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Issue" ADD CONSTRAINT "Issue_assigneeUnitId_fkey" FOREIGN KEY ("assigneeUnitId") REFERENCES "Unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Issue" ADD CONSTRAINT "Issue_rectifiedById_fkey" FOREIGN KEY ("rectifiedById") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Issue" ADD CONSTRAINT "Issue_duplicateOfId_fkey" FOREIGN KEY ("duplicateOfId") REFERENCES "Issue"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Issue" ADD CONSTRAINT "Issue_reboundOfId_fkey" FOREIGN KEY ("reboundOfId") REFERENCES "Issue"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Photo" ADD CONSTRAINT "Photo_issueId_fkey" FOREIGN KEY ("issueId") REFERENCES "Issue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IssueEvent" ADD CONSTRAINT "IssueEvent_issueId_fkey" FOREIGN KEY ("issueId") REFERENCES "Issue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IssueEvent" ADD CONSTRAINT "IssueEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DigestReview" ADD CONSTRAINT "DigestReview_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DigestReview" ADD CONSTRAINT "DigestReview_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- The organisation's revision: a random token replaced by every change to the org tables, so a process can cache
-- its snapshot of the org (src/db/org-queries.ts) and reload it when the token moves. One update per statement.
-- Inserting a person changes nothing a snapshot holds (people enter it through duties); renaming one does.
INSERT INTO "OrgRevision" ("id", "token") VALUES (1, md5(random()::text || clock_timestamp()::text));

CREATE FUNCTION "revise_org"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "OrgRevision" SET "token" = md5(random()::text || clock_timestamp()::text) WHERE "id" = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "Unit_revises_org" AFTER INSERT OR UPDATE OR DELETE ON "Unit"
    FOR EACH STATEMENT EXECUTE FUNCTION "revise_org"();
CREATE TRIGGER "Point_revises_org" AFTER INSERT OR UPDATE OR DELETE ON "Point"
    FOR EACH STATEMENT EXECUTE FUNCTION "revise_org"();
CREATE TRIGGER "Duty_revises_org" AFTER INSERT OR UPDATE OR DELETE ON "Duty"
    FOR EACH STATEMENT EXECUTE FUNCTION "revise_org"();
CREATE TRIGGER "Category_revises_org" AFTER INSERT OR UPDATE OR DELETE ON "Category"
    FOR EACH STATEMENT EXECUTE FUNCTION "revise_org"();
CREATE TRIGGER "ChatBinding_revises_org" AFTER INSERT OR UPDATE OR DELETE ON "ChatBinding"
    FOR EACH STATEMENT EXECUTE FUNCTION "revise_org"();
CREATE TRIGGER "Person_revises_org" AFTER UPDATE ON "Person"
    FOR EACH STATEMENT EXECUTE FUNCTION "revise_org"();
