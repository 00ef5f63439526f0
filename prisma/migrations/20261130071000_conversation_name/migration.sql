-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "name" TEXT NOT NULL DEFAULT '';
