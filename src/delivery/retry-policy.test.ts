import { describe, expect, it } from 'vitest';
import { classifyFailure, reconnectDelayMs, retryDelaySeconds } from './retry-policy.ts';

describe('classifyFailure', () => {
  it('treats 5xx replies as permanent and 4xx as transient', () => {
    expect(classifyFailure({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550, response: '550 No such user' })).toMatchObject({ kind: 'permanent', responseCode: 550 });
    expect(classifyFailure({ code: 'EMESSAGE', command: 'DATA', responseCode: 554, response: '554 Rejected' })).toMatchObject({ kind: 'permanent' });
    expect(classifyFailure({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 451, response: '451 Try later' })).toMatchObject({ kind: 'transient', responseCode: 451 });
  });

  it('treats resets and timeouts in a transaction as transient', () => {
    // nodemailer labels a connection dropped mid-DATA with command CONN too.
    expect(classifyFailure({ code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' }).kind).toBe('transient');
    expect(classifyFailure({ code: 'ETIMEDOUT', message: 'Timeout' }).kind).toBe('transient');
  });

  it('treats a server that cannot be reached as unreachable, not as the recipient’s failure', () => {
    expect(classifyFailure({ code: 'ESOCKET', command: 'CONN', message: 'connect ECONNREFUSED 127.0.0.1:25' }).kind).toBe('unreachable');
    expect(classifyFailure({ code: 'ECONNECTION', command: 'CONN', responseCode: 421, message: '421 too busy' }).kind).toBe('unreachable');
  });
});

describe('backoff', () => {
  it('doubles with each attempt, with jitter between half and all of it', () => {
    expect(retryDelaySeconds(1, 30, () => 0)).toBe(15);
    expect(retryDelaySeconds(1, 30, () => 1)).toBe(30);
    expect(retryDelaySeconds(3, 30, () => 1)).toBe(120);
    expect(retryDelaySeconds(3, 30, () => 0)).toBe(60);
  });

  it('retries an unreachable server after 1 s, doubling to 30 s', () => {
    expect([1, 2, 3, 6, 10].map(reconnectDelayMs)).toEqual([1000, 2000, 4000, 30000, 30000]);
  });
});
