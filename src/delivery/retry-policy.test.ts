import { describe, expect, it } from 'vitest';
import { classifyFailure, reconnectDelayMs, replyShape, retryDelaySeconds } from './retry-policy.ts';

// The errors below are what nodemailer 10 reports, as printed by a probe against smtp-server (2026-12).
describe('classifyFailure', () => {
  it('counts a 5xx to RCPT TO or to DATA as the reader’s bounce, and 4xx as transient', () => {
    expect(classifyFailure({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550, response: '550 5.1.1 No such user' })).toMatchObject({
      kind: 'bounce',
      responseCode: 550,
    });
    expect(classifyFailure({ code: 'EMESSAGE', command: 'DATA', responseCode: 554, response: '554 Rejected' })).toMatchObject({
      kind: 'bounce',
      responseCode: 554,
    });
    expect(classifyFailure({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 451, response: '451 Try later' })).toMatchObject({
      kind: 'transient',
      responseCode: 451,
    });
  });

  it('treats resets and timeouts in a transaction as transient', () => {
    // nodemailer labels a connection dropped mid-DATA with command CONN too.
    expect(classifyFailure({ code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' }).kind).toBe('transient');
    expect(classifyFailure({ code: 'ETIMEDOUT', message: 'Timeout' }).kind).toBe('transient');
  });

  it('treats a server that cannot be reached as unreachable, not as the recipient’s failure', () => {
    expect(classifyFailure({ code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:25' }).kind).toBe(
      'unreachable',
    );
    expect(classifyFailure({ code: 'ECONNECTION', command: 'CONN', responseCode: 421, message: '421 too busy' }).kind).toBe('unreachable');
  });

  // Regression: a wrong SMTP password failed every delivery with 535 and, two runs later, the whole list was `bounced`.
  it('blames the session, not the reader, for AUTH, TLS, the greeting, EHLO and MAIL FROM', () => {
    const session = (error: object) => classifyFailure(error);
    expect(session({ code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535, response: '535 Invalid username or password' })).toEqual({
      kind: 'session',
      lasting: true,
      reason: 'SMTP authentication failed: 535 Invalid username or password; check the user and password in SMTP_URL',
    });
    expect(session({ code: 'EAUTH', command: 'AUTH LOGIN', responseCode: 454, response: '454 4.7.0 Temporary authentication failure' })).toMatchObject({
      kind: 'session',
      lasting: false,
    });
    expect(session({ code: 'EAUTH', command: 'API', message: 'Missing credentials for "PLAIN"' })).toMatchObject({ kind: 'session', lasting: true });
    expect(session({ code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 530, response: '530 Error: authentication Required' })).toMatchObject({
      kind: 'session',
      lasting: true,
      reason: expect.stringContaining('requires authentication'),
    });
    expect(session({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 530, response: '530 5.7.0 Authentication required' })).toMatchObject({
      kind: 'session',
    });
    expect(
      session({ code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553, response: '553 5.7.1 Sender address rejected: not owned by user' }),
    ).toMatchObject({
      kind: 'session',
      lasting: true,
      reason: expect.stringMatching(/refused the sender: 553 .*MAIL_FROM/),
    });
    expect(session({ code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 451, response: '451 4.3.0 try later' })).toMatchObject({
      kind: 'session',
      lasting: false,
    });
    expect(session({ code: 'EMESSAGE', command: 'MAIL FROM', message: 'Message size larger than allowed 1000' })).toMatchObject({
      kind: 'session',
      lasting: true,
    });
    expect(session({ code: 'ESOCKET', command: 'CONN', originalCode: 'CERT_HAS_EXPIRED', message: 'certificate has expired' })).toMatchObject({
      kind: 'session',
      lasting: true,
      reason: expect.stringMatching(/^SMTP TLS failed: certificate has expired; check SMTP_URL/),
    });
    expect(session({ code: 'ESOCKET', command: 'CONN', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' })).toMatchObject({
      kind: 'session',
    });
    expect(session({ code: 'ETLS', command: 'STARTTLS', responseCode: 454, response: '454 TLS not available' })).toMatchObject({
      kind: 'session',
      lasting: true,
    });
    expect(session({ code: 'EPROTOCOL', command: 'HELO', responseCode: 550, response: '550 go away' })).toMatchObject({ kind: 'session', lasting: true });
    expect(session({ code: 'EPROTOCOL', command: 'CONN', responseCode: 554, response: '554 5.7.1 no service for you' })).toMatchObject({
      kind: 'session',
      lasting: true,
    });
  });

  it('fails without a bounce what is refused but not by a reply about the address', () => {
    expect(classifyFailure({ code: 'EPROTOCOL', command: 'RSET', responseCode: 554, response: '554 bad state' })).toMatchObject({ kind: 'refused' });
    expect(classifyFailure(new Error('something odd'))).toMatchObject({ kind: 'refused' });
  });

  it('stops on an outbox that cannot be written, instead of failing every reader', () => {
    expect(classifyFailure(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }))).toMatchObject({ kind: 'session', lasting: true });
  });
});

describe('replyShape', () => {
  it('is the same for the same refusal of different readers, and differs between refusals', () => {
    const relay = (address: string, queue: string) => replyShape(`554 5.7.1 <${address}>: Relay access denied (${queue})`);
    expect(relay('ada@example.com', 'a1b2c3d4e5')).toBe(relay('bo@example.org', 'ffee99887766'));
    expect(replyShape('550 5.1.1 ada@example.com: no such user')).not.toBe(replyShape('554 5.7.1 ada@example.com: relay access denied'));
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
