import type { DateTime } from 'luxon';
import type { Config, WeeklyTime } from '../config/config.ts';
import type { DigestEditRow, DigestRow } from '../db/schema.ts';
import type { Db } from '../db/connect.ts';
import { type Week, weekOf } from '../week.ts';
import { listDrafts } from './digest-store.ts';
import { listEdits } from './edit-store.ts';

/**
 * Where a week's issue stands with DIGEST_APPROVAL=required, read from its
 * edit log (digest_edits) against the draft as built:
 * - `approve` names the build it approves (its built_at): a rebuild, which
 *   every edit of a built draft makes, or any change after it, or `withdraw`,
 *   takes the approval back, so what is approved is what is sent;
 * - `review` records that the scheduled run built the issue and sent the
 *   review copy (value: the build's time, a space, to whom); from then on the
 *   run waits for an approval instead of building again.
 */
export interface Approval {
  approved: { by: string; at: string } | null;
  reviewed: { at: string; to: string; builtAt: string } | null;
}

const STEPS = new Set(['approve', 'withdraw', 'review']);

export function approvalOf(digest: Pick<DigestRow, 'built_at'> | undefined, edits: Pick<DigestEditRow, 'action' | 'value' | 'editor' | 'at'>[]): Approval {
  let approved: Approval['approved'] = null;
  let reviewed: Approval['reviewed'] = null;
  for (const { action, value, editor, at } of edits) {
    if (action === 'approve') approved = digest && value === digest.built_at ? { by: editor, at } : null;
    else if (action === 'review') {
      const space = value.indexOf(' ');
      reviewed = { at, builtAt: value.slice(0, space), to: value.slice(space + 1) };
    } else if (action === 'withdraw' || !STEPS.has(action)) approved = null;
  }
  return { approved, reviewed };
}

/** The review step's log value: which build went to whom. */
export function reviewValue(builtAt: string, to: string[]): string {
  return `${builtAt} ${to.join(', ')}`;
}

/**
 * When an issue must be approved by: the first `deadline` (weekday and time
 * in DIGEST_TZ) once its week has ended, e.g. `Mon 12:00` is noon on the
 * Monday the issue goes out.
 */
export function approvalDeadline(week: Week, deadline: WeeklyTime): DateTime {
  return week.end.plus({ days: deadline.weekday - 1 }).set({ hour: deadline.hour, minute: deadline.minute, second: 0, millisecond: 0 });
}

/** The approval as `digest status`, /healthz and the preview show it. */
export interface ApprovalStatus {
  week: string;
  state: 'automatic' | 'not built' | 'awaiting approval' | 'approved' | 'sending' | 'sent';
  approvedBy: string | null;
  approvedAt: string | null;
  reviewSentAt: string | null;
  reviewSentTo: string | null;
  /** ISO time, null without APPROVAL_DEADLINE. */
  deadline: string | null;
  /** Awaiting approval past the deadline. */
  overdue: boolean;
}

export function approvalStatus(
  config: Config,
  week: Week,
  digest: Pick<DigestRow, 'built_at' | 'status'> | undefined,
  edits: Pick<DigestEditRow, 'action' | 'value' | 'editor' | 'at'>[],
  now: Date,
): ApprovalStatus {
  const { approved, reviewed } = approvalOf(digest, edits);
  const due = config.approval.deadline ? approvalDeadline(week, config.approval.deadline) : null;
  const state =
    config.approval.mode === 'auto'
      ? 'automatic'
      : !digest
        ? 'not built'
        : digest.status !== 'draft'
          ? digest.status
          : approved
            ? 'approved'
            : 'awaiting approval';
  return {
    week: week.id,
    state,
    approvedBy: approved?.by ?? null,
    approvedAt: approved?.at ?? null,
    reviewSentAt: reviewed?.at ?? null,
    reviewSentTo: reviewed?.to ?? null,
    deadline: due ? due.toUTC().toISO() : null,
    overdue: state === 'awaiting approval' && due !== null && now.getTime() >= due.toMillis(),
  };
}

/** Every built issue not yet sending, with its approval (DIGEST_APPROVAL=required; none with auto): what /healthz and /metrics report. */
export async function draftApprovals(db: Db, config: Config, now = new Date()): Promise<ApprovalStatus[]> {
  if (config.approval.mode === 'auto') return [];
  const statuses: ApprovalStatus[] = [];
  for (const digest of await listDrafts(db)) {
    statuses.push(approvalStatus(config, weekOf(digest.week, config.timeZone), digest, await listEdits(db, digest.week), now));
  }
  return statuses;
}
