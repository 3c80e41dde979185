import type { SendProgress, WaitReason } from '../delivery/send-digest.ts';

const WAITS: Record<WaitReason, string> = {
  'server-down': 'SMTP server unreachable, retrying',
  'smtp-session': 'SMTP server deferring the session, retrying',
  'store-down': 'database busy or unreachable, retrying',
  'hourly-limit': 'hourly limit reached, resuming',
  retry: 'waiting for deferred retries',
  'other-senders': 'other workers finishing their batches, checking again',
};

export interface ProgressReporter {
  update(progress: SendProgress): void;
  done(): void;
}

function describeWait(progress: SendProgress): string {
  const w = progress.waiting;
  if (!w) return '';
  return ` · ${WAITS[w.reason]} at ${w.until.slice(11, 19)} UTC`;
}

/**
 * On a terminal: a progress bar redrawn in place, with rate and ETA.
 * Elsewhere (logs, CI): a summary line every `intervalMs`.
 */
export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr, intervalMs = stream.isTTY ? 200 : 5000): ProgressReporter {
  const started = Date.now();
  let last = started;
  let latest: SendProgress | null = null;
  let drawn = false;

  const line = (p: SendProgress) => {
    const done = p.sent + p.failed + p.skipped;
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? p.sent / seconds : 0;
    const remaining = Math.max(0, p.total - done - p.deferred);
    const eta = rate > 0 ? `${Math.ceil(remaining / rate)} s` : '-';
    const counts = `sent ${p.sent} · deferred ${p.deferred} · failed ${p.failed} · skipped ${p.skipped} · ${rate.toFixed(0)} msg/s · ETA ${eta}${describeWait(p)}`;
    if (!stream.isTTY) return `progress: ${done}/${p.total} · ${counts}`;
    const width = 24;
    const filled = p.total > 0 ? Math.round((done / p.total) * width) : width;
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${p.total} · ${counts}`;
  };

  const draw = (p: SendProgress) => {
    if (stream.isTTY) stream.write(`\r\x1b[2K${line(p)}`);
    else stream.write(`${line(p)}\n`);
    drawn = true;
  };

  return {
    update(progress) {
      latest = progress;
      const now = Date.now();
      if (now - last >= intervalMs || progress.waiting) {
        last = now;
        draw(progress);
      }
    },
    done() {
      if (stream.isTTY && latest) draw(latest);
      if (stream.isTTY && drawn) stream.write('\n');
    },
  };
}
