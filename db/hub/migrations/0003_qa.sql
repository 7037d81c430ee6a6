CREATE TABLE `qa_disputes` (
	`id` text PRIMARY KEY NOT NULL,
	`review_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`response` text DEFAULT '' NOT NULL,
	`previous_score` real,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	`resolved_by` text
);
--> statement-breakpoint
CREATE INDEX `qa_disputes_review` ON `qa_disputes` (`review_id`);--> statement-breakpoint
CREATE TABLE `qa_forms` (
	`id` text NOT NULL,
	`version` integer NOT NULL,
	`name` text NOT NULL,
	`sections` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	PRIMARY KEY(`id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `qa_knowledge_pushes` (
	`id` text PRIMARY KEY NOT NULL,
	`topic_id` text NOT NULL,
	`item_ids` text NOT NULL,
	`at` integer NOT NULL,
	`by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `qa_reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`agent_id` text,
	`team_id` text,
	`reviewer_id` text,
	`form_id` text NOT NULL,
	`form_version` integer NOT NULL,
	`status` text NOT NULL,
	`source` text NOT NULL,
	`period` text NOT NULL,
	`flags` text NOT NULL,
	`prescore` text NOT NULL,
	`answers` text NOT NULL,
	`score` real,
	`auto_failed` integer DEFAULT false NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`submitted_at` integer
);
--> statement-breakpoint
CREATE INDEX `qa_reviews_conversation` ON `qa_reviews` (`conversation_id`);--> statement-breakpoint
CREATE INDEX `qa_reviews_agent` ON `qa_reviews` (`agent_id`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `qa_reviews_team` ON `qa_reviews` (`team_id`,`status`);--> statement-breakpoint
CREATE INDEX `qa_reviews_period` ON `qa_reviews` (`period`,`source`);--> statement-breakpoint
CREATE TABLE `survey_records` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`conversation_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`channel` text NOT NULL,
	`agent_id` text,
	`team_id` text,
	`resolved_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`sent_at` integer,
	`score` integer,
	`comment` text,
	`answered_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `survey_records_once` ON `survey_records` (`kind`,`conversation_id`,`resolved_at`);--> statement-breakpoint
CREATE INDEX `survey_records_contact` ON `survey_records` (`contact_id`,`kind`);--> statement-breakpoint
CREATE INDEX `survey_records_status` ON `survey_records` (`status`,`due_at`);