-- Ordered callbacks (the "bypass queue"): messages, their groups, delivery attempts, ingest
-- routes, and the lifecycle notifier's journal cursor.

-- CreateEnum
CREATE TYPE "callback_status" AS ENUM ('PENDING', 'PROCESSING', 'DONE', 'DEAD', 'SKIPPED');

-- CreateEnum
CREATE TYPE "callback_on_dead" AS ENUM ('CONTINUE', 'HALT');

-- CreateEnum
CREATE TYPE "callback_processed_status" AS ENUM ('SUCCEEDED', 'FAILED');

-- CreateTable
-- One row per group: the lock that orders acceptance (last_seq) and the dispatcher's claim.
-- ready_at: when a dispatcher may next take the group's head (NULL: nothing to do, or halted);
-- while a delivery is in flight it is the end of that delivery's lease.
CREATE TABLE "callback_groups" (
    "group_id" TEXT NOT NULL,
    "last_seq" BIGINT NOT NULL,
    "ready_at" TIMESTAMPTZ(3),
    "claim_id" TEXT,
    "halted" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "callback_groups_pkey" PRIMARY KEY ("group_id")
);

-- CreateTable
CREATE TABLE "callback_messages" (
    "id" BIGSERIAL NOT NULL,
    "message_id" TEXT NOT NULL,
    "group_id" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "callback_url" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "on_dead" "callback_on_dead" NOT NULL,
    "status" "callback_status" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "processed_at" TIMESTAMPTZ(3),
    "processed_status" "callback_processed_status",

    CONSTRAINT "callback_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "callback_attempts" (
    "id" BIGSERIAL NOT NULL,
    "message_pk" BIGINT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "status_code" INTEGER,
    "error" TEXT,
    "succeeded" BOOLEAN NOT NULL,

    CONSTRAINT "callback_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "callback_routes" (
    "route_id" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "callback_url" TEXT NOT NULL,
    "group_from" TEXT NOT NULL,
    "on_dead" "callback_on_dead" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "callback_routes_pkey" PRIMARY KEY ("route_id")
);

-- CreateTable
CREATE TABLE "callback_cursors" (
    "name" TEXT NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "callback_cursors_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "callback_messages_message_id_key" ON "callback_messages"("message_id");

-- CreateIndex
CREATE UNIQUE INDEX "callback_messages_group_id_seq_key" ON "callback_messages"("group_id", "seq");

-- CreateIndex
CREATE INDEX "callback_messages_status_id_idx" ON "callback_messages"("status", "id");

-- CreateIndex
CREATE INDEX "callback_attempts_message_pk_id_idx" ON "callback_attempts"("message_pk", "id");

-- CreateIndex
CREATE UNIQUE INDEX "callback_routes_token_hash_key" ON "callback_routes"("token_hash");

-- Partial indexes (not expressible in schema.prisma): the groups a dispatcher may claim, a
-- group's unfinished messages in order, and finished messages by age for retention.
CREATE INDEX "callback_groups_ready_at_idx" ON "callback_groups"("ready_at") WHERE "ready_at" IS NOT NULL;

CREATE INDEX "callback_messages_open_idx" ON "callback_messages"("group_id", "seq")
    WHERE "status" IN ('PENDING', 'PROCESSING') OR ("status" = 'DEAD' AND "on_dead" = 'HALT');

CREATE INDEX "callback_messages_backlog_idx" ON "callback_messages"("created_at")
    WHERE "status" IN ('PENDING', 'PROCESSING');

CREATE INDEX "callback_messages_finished_idx" ON "callback_messages"("processed_at")
    WHERE "status" IN ('DONE', 'SKIPPED');

-- AddForeignKey
ALTER TABLE "callback_attempts" ADD CONSTRAINT "callback_attempts_message_pk_fkey" FOREIGN KEY ("message_pk") REFERENCES "callback_messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The lifecycle notifier starts at the beginning of the journal.
INSERT INTO "callback_cursors" ("name", "position") VALUES ('lifecycle-notifications', 0);
