-- CreateEnum
CREATE TYPE "event_status" AS ENUM ('DRAFT', 'OPEN', 'PAUSED', 'CLOSED');

-- CreateEnum
CREATE TYPE "id_policy" AS ENUM ('OPEN', 'SIGNED');

-- CreateTable
CREATE TABLE "events" (
    "event_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "limit_cnt" INTEGER NOT NULL,
    "status" "event_status" NOT NULL,
    "success_url" TEXT,
    "callback_url" TEXT,
    "session_ttl_sec" INTEGER NOT NULL,
    "wait_timeout_sec" INTEGER NOT NULL,
    "min_poll_interval_ms" INTEGER NOT NULL,
    "block_reentry" BOOLEAN NOT NULL,
    "id_policy" "id_policy" NOT NULL,
    "message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "events_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "journal_entries" (
    "offset" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "user_id" TEXT,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "source_key" TEXT,

    CONSTRAINT "journal_entries_pkey" PRIMARY KEY ("offset")
);

-- CreateIndex
CREATE UNIQUE INDEX "journal_entries_source_key_key" ON "journal_entries"("source_key");

-- CreateIndex
CREATE INDEX "journal_entries_event_id_offset_idx" ON "journal_entries"("event_id", "offset");

-- CreateIndex
CREATE INDEX "journal_entries_created_at_idx" ON "journal_entries"("created_at");
