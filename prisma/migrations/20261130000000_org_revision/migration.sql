-- The organisation's revision: a random token replaced by every change to the org tables, so a process can cache
-- its snapshot of the org (src/db/org-queries.ts) and reload it when the token moves. Inserting a person changes
-- nothing a snapshot holds (people enter it through duties); renaming one does.
CREATE TABLE "OrgRevision" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "token" TEXT NOT NULL
);

INSERT INTO "OrgRevision" ("id", "token") VALUES (1, lower(hex(randomblob(16))));

CREATE TRIGGER "Unit_insert_revises_org" AFTER INSERT ON "Unit"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "Unit_update_revises_org" AFTER UPDATE ON "Unit"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "Unit_delete_revises_org" AFTER DELETE ON "Unit"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "Point_insert_revises_org" AFTER INSERT ON "Point"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "Point_update_revises_org" AFTER UPDATE ON "Point"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "Point_delete_revises_org" AFTER DELETE ON "Point"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "Duty_insert_revises_org" AFTER INSERT ON "Duty"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "Duty_update_revises_org" AFTER UPDATE ON "Duty"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "Duty_delete_revises_org" AFTER DELETE ON "Duty"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "Category_insert_revises_org" AFTER INSERT ON "Category"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "Category_update_revises_org" AFTER UPDATE ON "Category"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "Category_delete_revises_org" AFTER DELETE ON "Category"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "ChatBinding_insert_revises_org" AFTER INSERT ON "ChatBinding"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "ChatBinding_update_revises_org" AFTER UPDATE ON "ChatBinding"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "ChatBinding_delete_revises_org" AFTER DELETE ON "ChatBinding"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;

CREATE TRIGGER "Person_update_revises_org" AFTER UPDATE ON "Person"
BEGIN
    UPDATE "OrgRevision" SET "token" = lower(hex(randomblob(16))) WHERE "id" = 1;
END;
