CREATE TABLE `attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`owner_key` text,
	`message_id` text,
	`conversation_id` text,
	`filename` text NOT NULL,
	`mime` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`data` blob NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `attachments_message` ON `attachments` (`message_id`);--> statement-breakpoint
CREATE INDEX `attachments_owner` ON `attachments` (`owner_key`);--> statement-breakpoint
CREATE TABLE `channel_inbound` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`received_at` integer NOT NULL,
	`state` text NOT NULL,
	`reason` text,
	`contact_id` text,
	`conversation_id` text,
	`message_id` text,
	`raw` text NOT NULL,
	`raw_bytes` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_inbound_dedupe` ON `channel_inbound` (`channel`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `channel_inbound_state` ON `channel_inbound` (`state`,`received_at`);--> statement-breakpoint
CREATE TABLE `channel_outbox` (
	`message_id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`channel` text NOT NULL,
	`identity_id` text,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`provider_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `channel_outbox_due` ON `channel_outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `channel_outbox_provider` ON `channel_outbox` (`channel`,`provider_id`);--> statement-breakpoint
CREATE INDEX `channel_outbox_identity` ON `channel_outbox` (`identity_id`,`state`);--> statement-breakpoint
CREATE TABLE `channel_refs` (
	`channel` text NOT NULL,
	`ref` text NOT NULL,
	`conversation_id` text NOT NULL,
	`message_id` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`channel`, `ref`)
);
--> statement-breakpoint
CREATE INDEX `channel_refs_conversation` ON `channel_refs` (`conversation_id`);--> statement-breakpoint
CREATE TABLE `channel_threads` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`identity_id` text NOT NULL,
	`subject` text,
	`meta` text DEFAULT '{}' NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `channel_threads_identity` ON `channel_threads` (`identity_id`);--> statement-breakpoint
CREATE TABLE `contact_merges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`from_contact_id` text NOT NULL,
	`into_contact_id` text NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`reason` text,
	`detail` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `contact_merges_from` ON `contact_merges` (`from_contact_id`);--> statement-breakpoint
CREATE INDEX `contact_merges_into` ON `contact_merges` (`into_contact_id`);--> statement-breakpoint
CREATE TABLE `device_alert_state` (
	`contact_id` text NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`contact_id`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `device_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`contact_id` text NOT NULL,
	`kind` text NOT NULL,
	`level` text NOT NULL,
	`reason` text NOT NULL,
	`conversation_id` text NOT NULL,
	`message_id` text NOT NULL,
	`reading_ids` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `device_alerts_contact` ON `device_alerts` (`contact_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `device_bindings` (
	`device_id` text PRIMARY KEY NOT NULL,
	`contact_id` text NOT NULL,
	`label` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `device_bindings_contact` ON `device_bindings` (`contact_id`);--> statement-breakpoint
CREATE TABLE `routing_state` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`queue_id` text NOT NULL,
	`enqueued_at` integer NOT NULL,
	`language` text NOT NULL,
	`department` text,
	`overflowed_at` integer,
	`assigned_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `routing_state_queue` ON `routing_state` (`queue_id`,`assigned_at`);