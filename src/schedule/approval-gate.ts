import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import type { DigestRow } from '../db/schema.ts';
import type { Transport } from '../domain.ts';
import { type ApprovalStatus, approvalOf, approvalStatus, reviewValue } from '../digests/approval.ts';
import { type BuildResult, buildDigest } from '../digests/build-digest.ts';
import { listEdits, recordEdits } from '../digests/edit-store.ts';
import { composeReviewCopy } from '../personalize/review-copy.ts';
import { sampleCopyMeasure } from '../personalize/sample-copy.ts';
import type { CompiledDigest } from '../render/rendered-digest.ts';
import type { SegmentCompiler } from '../render/segment-compiler.ts';
import type { Week } from '../week.ts';

/** Who the review step is recorded as in the history. */
export const SCHEDULER = 'the scheduler';

export interface AwaitingApproval {
  outcome: 'awaiting-approval';
  week: string;
  status: ApprovalStatus;
  /** This run built the issue and sent its review copy to these editors (the others failed: `reviewFailed`). */
  reviewedTo: string[];
  reviewFailed: string[];
}

/** What a run does with a week not yet sending, when DIGEST_APPROVAL=required. */
export type GateOutcome = { send: DigestRow; compiledAll?: CompiledDigest } | { empty: true } | AwaitingApproval;

interface GateOptions {
  compiler?: SegmentCompiler;
  beforeBuild?: () => Promise<void>;
  /** False for a manual `digest send`: the draft is what the operator built; no review copy is sent. */
  build?: boolean;
  now?: Date;
}

/**
 * An approved draft goes as built (no rebuild: what was approved is what is
 * sent). A week not yet reviewed is built (sources fetched first) and its
 * review copy sent to EDITOR_EMAILS; then the run waits for an approval,
 * `digest approve` or the preview's button, which the next run finds. Past
 * APPROVAL_DEADLINE it holds, or sends with APPROVAL_FALLBACK=send.
 */
export async function throughApproval(
  deps: { db: Db; config: Config; transport: Transport },
  week: Week,
  digest: DigestRow | undefined,
  options: GateOptions,
): Promise<GateOutcome> {
  const { db, config } = deps;
  const now = options.now ?? new Date();
  const edits = await listEdits(db, week.id);
  if (digest && approvalOf(digest, edits).approved) return { send: digest };
  let draft = digest;
  const review = { to: [] as string[], failed: [] as string[] };
  if (options.build !== false && !approvalOf(digest, edits).reviewed) {
    await options.beforeBuild?.();
    const built = await buildDigest(db, config, week, sampleCopyMeasure(options.compiler), now);
    if (built.outcome === 'empty') return { empty: true };
    draft = built.digest;
    Object.assign(review, await sendReviewCopies(deps, built, now));
  }
  const status = approvalStatus(config, week, draft, await listEdits(db, week.id), now);
  if (draft && status.overdue && config.approval.fallback === 'send') return { send: draft };
  return { outcome: 'awaiting-approval', week: week.id, status, reviewedTo: review.to, reviewFailed: review.failed };
}

/** One review copy per editor; the review is recorded when at least one went (else the next run tries again). */
async function sendReviewCopies(
  deps: { db: Db; config: Config; transport: Transport },
  built: Extract<BuildResult<CompiledDigest>, { digest: DigestRow }>,
  now: Date,
): Promise<{ to: string[]; failed: string[] }> {
  const { db, config, transport } = deps;
  const to: string[] = [];
  const failed: string[] = [];
  for (const editor of config.editorEmails) {
    try {
      await transport.send(composeReviewCopy(config, built.compiled, built.week.id, editor, now));
      to.push(editor);
    } catch (error) {
      failed.push(`${editor}: ${(error as Error).message}`);
    }
  }
  if (to.length > 0) await recordEdits(db, built.week.id, [{ action: 'review', value: reviewValue(built.digest.built_at, to) }], SCHEDULER, now);
  return { to, failed };
}
