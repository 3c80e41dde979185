/**
 * One baseline in a process of its own, as `digest send` is: every round of
 * `npm run bench -- --rounds N` then starts the raw side as cold as ours
 * (in the bench's own process, later rounds ran with nodemailer's code
 * already optimised, about 4 % faster).
 *
 * stdin: `{ port, parts, count, concurrency, kind: 'raw' | 'compose' }`;
 * stdout: `{ sendMs, cpuSeconds }` once every message was accepted.
 */
import { type MessageParts, composeRawMessage, composedMessages, rawMessages, sendThroughPool } from './run-raw.ts';

interface BaselineRequest {
  port: number;
  parts: MessageParts;
  count: number;
  concurrency: number;
  kind: 'raw' | 'compose';
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input) as BaselineRequest;
// Built before the clock starts, as before: only the sending is timed.
const messages = request.kind === 'raw' ? rawMessages(await composeRawMessage(request.parts), request.count) : composedMessages(request.parts, request.count);
const cpu = process.cpuUsage();
const sendMs = await sendThroughPool(request.port, messages, request.concurrency);
const used = process.cpuUsage(cpu);
process.stdout.write(`${JSON.stringify({ sendMs, cpuSeconds: (used.user + used.system) / 1e6 })}\n`);
