-- Rebuilding a lost queue store from the journal (issue 13, section 2).

-- AlterTable: the store epoch lives in the event's row; store_builds counts the store's builds of it.
ALTER TABLE "events" ADD COLUMN "store_epoch" TEXT;
ALTER TABLE "events" ADD COLUMN "store_builds" INTEGER NOT NULL DEFAULT 0;

-- CreateTable: per-event checkpoints of the folded journal.
CREATE TABLE "queue_checkpoints" (
    "event_id" TEXT NOT NULL,
    "offset" BIGINT NOT NULL,
    "epoch" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "queue_checkpoints_pkey" PRIMARY KEY ("event_id", "offset")
);
