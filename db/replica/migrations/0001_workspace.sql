CREATE TABLE `canned_replies` (
	`id` text PRIMARY KEY NOT NULL,
	`shortcut` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`lang` text DEFAULT 'zh-CN' NOT NULL,
	`updated_at` integer NOT NULL,
	`hub_seq` integer
);
--> statement-breakpoint
CREATE INDEX `canned_replies_shortcut` ON `canned_replies` (`shortcut`);--> statement-breakpoint
CREATE TABLE `conversation_events` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`kind` text NOT NULL,
	`actor_id` text,
	`actor_name` text,
	`detail` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`hub_seq` integer,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `conversation_events_conversation_time` ON `conversation_events` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `knowledge_feedback` (
	`id` text PRIMARY KEY NOT NULL,
	`item_id` text NOT NULL,
	`useful` integer NOT NULL,
	`conversation_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `teams` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`hub_seq` integer
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`team_ids` text DEFAULT '[]' NOT NULL,
	`updated_at` integer NOT NULL,
	`hub_seq` integer
);
--> statement-breakpoint
ALTER TABLE `contacts` ADD `thresholds` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `sla_due_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `snoozed_until` integer;
--> statement-breakpoint
-- Offline full-text search (hand-written: drizzle-kit does not model virtual tables).
-- Documents are messages, notes and contact names; their text is indexed as CJK
-- unigrams + bigrams and lower-cased Latin words (shared/search/terms.ts), so 1–2
-- character Chinese queries (挂号, 胰岛素) match. Contentless: the index keeps no
-- second copy of the text.
CREATE TABLE `search_docs` (
	`rowid` integer PRIMARY KEY,
	`kind` text NOT NULL,
	`ref_id` text NOT NULL,
	`conversation_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_docs_ref` ON `search_docs` (`kind`,`ref_id`);
--> statement-breakpoint
CREATE INDEX `search_docs_conversation` ON `search_docs` (`conversation_id`);
--> statement-breakpoint
CREATE VIRTUAL TABLE `search_fts` USING fts5(`terms`, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
