import type { Config } from '../config/config.ts';
import type { OutgoingMessage } from '../domain.ts';
import type { CompiledDigest } from '../render/rendered-digest.ts';
import { composeDigestMessage } from './compose-message.ts';
import { withMime } from './personalize.ts';
import { testRecipient } from './recipient-values.ts';

/**
 * The copy of an issue awaiting approval for one editor (EDITOR_EMAILS): the
 * full digest as built, marked in its subject, with the editor's greeting and
 * inert links (a test copy: no click in it acts on a reader).
 */
export function composeReviewCopy(config: Config, compiled: CompiledDigest, weekId: string, editor: string, now: Date): OutgoingMessage {
  const rendered = withMime(config, { ...compiled, subject: `[For approval] ${compiled.subject}` });
  return composeDigestMessage(config, rendered, weekId, testRecipient({ email: editor }), now);
}
