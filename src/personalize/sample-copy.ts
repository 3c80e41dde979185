import type { Config } from '../config/config.ts';
import type { DigestContent } from '../digests/digest-content.ts';
import type { MeasureDigest } from '../digests/build-digest.ts';
import { ALL } from '../digests/segments.ts';
import type { CompiledDigest } from '../render/rendered-digest.ts';
import { compileInProcess, type SegmentCompiler } from '../render/segment-compiler.ts';
import { htmlBytes } from '../render/size-budget.ts';
import { personalize } from './personalize.ts';
import { recipientValues } from './recipient-values.ts';

/** The sample reader whose copy is measured against the size budget. */
export const SAMPLE_RECIPIENT = { id: 1, email: 'reader@example.com', name: 'Sample Reader' };

/**
 * How a build measures the week: compile the full digest once (with the given
 * compiler, in this process or in a child) and weigh the sample reader's copy,
 * the bytes a subscriber's inbox receives.
 */
export function sampleCopyMeasure(compiler: SegmentCompiler = compileInProcess): MeasureDigest<CompiledDigest> {
  return async (content: DigestContent, config: Config) => {
    const compiled = (await compiler(content, [ALL], config)).get(ALL)!;
    const sample = personalize(compiled, recipientValues(config, SAMPLE_RECIPIENT));
    return { compiled, htmlBytes: htmlBytes(sample.html) };
  };
}

/** The usual measure: compiled in this process. */
export const measureSampleCopy = sampleCopyMeasure();
