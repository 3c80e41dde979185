import type { Generated, Insertable, Selectable } from 'kysely';

import type { DeliveryStatus, DigestStatus, SubscriberStatus } from '../domain.ts';

export type { DeliveryStatus, DigestStatus, SubscriberStatus };

/** The tables, one interface each; the words they use are defined in src/domain.ts. */

/** Represents records in the `articles` table. */
export interface ArticlesTable {
  id: Generated<number>;
  /** The article's canonical URL on the publication's site; the import key of articles without a guid. */
  url: string;
  title: string;
  category: string;
  /** JSON array of lower-case topic tags. */
  topics: string;
  /** Markdown; rendered with raw HTML disabled. */
  summary: string;
  /** Markdown; rendered with raw HTML disabled. */
  why_it_matters: string;
  source_title: string;
  source_name: string;
  source_url: string;
  image_url: string | null;
  published_at: string;
  created_at: string;
  updated_at: string;
  /** The feed an item came from (its id, self link, home page or fetch URL); null for our JSON import. */
  feed_key: string | null;
  /** The item's guid/id within `feed_key`; with it, the article's identity. */
  guid: string | null;
}

/** Represents records in the `subscribers` table. */
export interface SubscribersTable {
  id: Generated<number>;
  /** Trimmed, domain lower-cased; the local part keeps its case. */
  email: string;
  /** The whole address lower-cased: makes the address unique regardless of case. */
  email_key: string;
  name: string;
  status: SubscriberStatus;
  /** JSON array of categories the subscriber wants; empty means all. */
  topics: string;
  bounce_count: Generated<number>;
  created_at: string;
  updated_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  /** When the subscriber became `bounced` (null otherwise); the subscribe form waits a quiet period after it. */
  bounced_at: string | null;
}

/** Represents records in the `digests` table: one per ISO week. */
export interface DigestsTable {
  id: Generated<number>;
  week: string;
  subject: string;
  preheader: string;
  /** JSON array of article ids, frozen at build, in reading order. */
  article_ids: string;
  status: DigestStatus;
  /** Size in bytes of the compiled HTML for the full digest, personalised for a sample reader. */
  html_bytes: number;
  built_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** The editor's note, sign-off and subject/preheader overrides frozen at build (JSON Editorial, digests/digest-content.ts). */
  editorial: Generated<string>;
}

/** Represents records in the `deliveries` table: one digest to one subscriber. */
export interface DeliveriesTable {
  id: Generated<number>;
  digest_id: number;
  /** Null once the subscriber was erased; the row stays as an anonymous count. */
  subscriber_id: number | null;
  status: DeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: string | null;
  last_error: string | null;
  smtp_response: string | null;
  message_id: string | null;
  sent_at: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  created_at: string;
  updated_at: string;
}

/** Represents records in the `leases` table. */
export interface LeasesTable {
  name: string;
  owner: string;
  expires_at: string;
}

/** Represents records in the `send_clock` table: when SEND_RATE last let a message go, across all workers. */
export interface SendClockTable {
  name: string;
  /** Milliseconds since the epoch; bigint in PostgreSQL, which pg returns as a string. */
  last_grant_ms: number | string;
}

/** Represents records in the `send_grants` table: the send times (ms) of the rolling hour, across all workers. */
export interface SendGrantsTable {
  at_ms: number | string;
}

/**
 * Represents records in the `compiled_segments` table: a digest segment as
 * the template toolchain compiled it, found by the hash of everything the
 * compile read (render/stored-segments.ts).
 */
export interface CompiledSegmentsTable {
  /** sha256 (hex) of the code, the content, the configuration and the segment. */
  inputs: string;
  week: string;
  segment: string;
  /** The CompiledDigest as JSON. */
  compiled: string;
  created_at: string;
}

/** Represents records in the `feedback_reports` table: each complaint or bounce report imported, once. */
export interface FeedbackReportsTable {
  /** The report's Message-ID, or `sha256:` of its bytes. */
  report_key: string;
  kind: 'complaint' | 'bounce' | 'ignored';
  subscriber_id: number | null;
  /** The week of the digest the report is about (from its Message-ID); null when the report did not carry it. */
  week: string | null;
  /** What the import did, as printed. */
  detail: string;
  imported_at: string;
}

/**
 * Represents records in the `confirmation_sends` table: each confirmation
 * email the subscribe form sent in the last day, for its limit per address.
 */
export interface ConfirmationSendsTable {
  subscriber_id: number;
  sent_at: string;
}

export type SourceFetchStatus = 'ok' | 'not-modified' | 'error';

/** Represents records in the `sources` table: a feed fetched and imported on a schedule. */
export interface SourcesTable {
  id: Generated<number>;
  /** As the operator gave it, `user:password@` included; always printed masked. */
  url: string;
  /** What lists and logs call it; the masked URL when null. */
  name: string | null;
  /** Category of its items that name none; `General` when null. */
  category: string | null;
  /** ETag and Last-Modified of the last reply imported, sent back in the next request. */
  etag: string | null;
  last_modified: string | null;
  last_fetched_at: string | null;
  last_status: SourceFetchStatus | null;
  /** What the last successful fetch did, as printed (`3 created, 1 updated, 40 unchanged, 0 rejected`). */
  last_result: string | null;
  last_error: string | null;
  /** Failed fetches in a row; 0 after a success. */
  error_count: Generated<number>;
  created_at: string;
}

/** Represents records in the `digest_edits` table: each change an editor made to a week's issue, in order. */
export interface DigestEditsTable {
  id: Generated<number>;
  week: string;
  action: EditAction;
  /** The article's URL, or the override's text ('' for automatic). */
  value: string;
  /** Who: `--as`, EDITOR_NAME, or the OS user. */
  editor: string;
  at: string;
}

export type EditAction =
  | 'lead'
  | 'exclude'
  | 'include'
  | 'pin'
  | 'unpin'
  | 'move'
  | 'subject'
  | 'preheader'
  | 'note'
  | 'signoff'
  /** The steps of an approval (digests/approval.ts), kept in the same log: the history is one record. */
  | 'approve'
  | 'withdraw'
  | 'review';

export interface Database {
  articles: ArticlesTable;
  subscribers: SubscribersTable;
  digests: DigestsTable;
  deliveries: DeliveriesTable;
  leases: LeasesTable;
  send_clock: SendClockTable;
  send_grants: SendGrantsTable;
  compiled_segments: CompiledSegmentsTable;
  feedback_reports: FeedbackReportsTable;
  confirmation_sends: ConfirmationSendsTable;
  sources: SourcesTable;
  digest_edits: DigestEditsTable;
}

export type ArticleRow = Selectable<ArticlesTable>;
export type NewArticleRow = Insertable<ArticlesTable>;
export type SubscriberRow = Selectable<SubscribersTable>;
export type DigestRow = Selectable<DigestsTable>;

export type SourceRow = Selectable<SourcesTable>;
export type DigestEditRow = Selectable<DigestEditsTable>;
