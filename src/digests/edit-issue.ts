import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import { UserError } from '../errors.ts';
import type { Week } from '../week.ts';
import { type BuildResult, type MeasureDigest, buildDigest } from './build-digest.ts';
import { findDigest } from './digest-store.ts';
import type { DigestRow } from '../db/schema.ts';
import { type EditInput, recordEdits } from './edit-store.ts';

/**
 * Records an editor's changes to a week's issue, refused once sending
 * started. A built draft is rebuilt at once (and returned), so the preview and
 * the next send show the issue as shaped; an unbuilt week takes the choices
 * when it is built. `digest edit` and the preview's desk both go through here.
 */
export async function editIssue<C>(
  db: Db,
  config: Config,
  week: Week,
  edits: EditInput[],
  editor: string,
  measure: MeasureDigest<C>,
): Promise<BuildResult<C> | null> {
  const digest = await findDigest(db, week.id);
  if (digest && digest.status !== 'draft') {
    throw new UserError(`the digest for ${week.id} is already ${digest.status === 'sent' ? 'sent' : 'being sent'}; it cannot be edited`, 'EFROZEN');
  }
  await recordEdits(db, week.id, edits, editor);
  return digest ? buildDigest(db, config, week, measure) : null;
}

/**
 * Approves the week's draft as built (DIGEST_APPROVAL=required): the next
 * scheduled run sends it as it is. Refused without a built draft and once
 * sending started; a later edit or rebuild withdraws it (approval.ts).
 */
export async function approveIssue(db: Db, week: Week, editor: string, withdraw = false, now = new Date()): Promise<DigestRow> {
  const digest = await findDigest(db, week.id);
  if (!digest) throw new UserError(`${week.id} has no built issue to approve: build it first (digest build --week ${week.id})`, 'EUSAGE');
  if (digest.status !== 'draft') {
    throw new UserError(`the digest for ${week.id} is already ${digest.status === 'sent' ? 'sent' : 'being sent'}`, 'EFROZEN');
  }
  await recordEdits(db, week.id, [withdraw ? { action: 'withdraw', value: '' } : { action: 'approve', value: digest.built_at }], editor, now);
  return digest;
}
