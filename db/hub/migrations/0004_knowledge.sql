CREATE TABLE `knowledge_feedback` (
	`id` text PRIMARY KEY NOT NULL,
	`item_id` text NOT NULL,
	`kind` text NOT NULL,
	`user_id` text NOT NULL,
	`workstation_id` text NOT NULL,
	`conversation_id` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `knowledge_feedback_item_time` ON `knowledge_feedback` (`item_id`,`at`);--> statement-breakpoint
CREATE INDEX `knowledge_feedback_time` ON `knowledge_feedback` (`at`);--> statement-breakpoint
CREATE TABLE `knowledge_reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`item_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text NOT NULL,
	`useless_users` integer NOT NULL,
	`useless_marks` integer NOT NULL,
	`useful_marks` integer NOT NULL,
	`retired_at` integer NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`comment` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `knowledge_reviews_item` ON `knowledge_reviews` (`item_id`,`retired_at`);--> statement-breakpoint
CREATE INDEX `knowledge_reviews_status` ON `knowledge_reviews` (`status`);--> statement-breakpoint
CREATE TABLE `knowledge_sources` (
	`item_id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`file` text NOT NULL,
	`line` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `knowledge_items` ADD `status` text DEFAULT 'active' NOT NULL;