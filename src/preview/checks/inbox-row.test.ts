import { describe, expect, it } from 'vitest';
import { DESKTOP_LINE_CHARS, PHONE_PREHEADER_CHARS, PHONE_SUBJECT_CHARS, inboxRows, inboxRowsHtml } from './inbox-row.ts';

const SHORT = { fromName: 'The Harm Ledger', subject: 'Week 47', preheader: 'Three stories this week.' };

describe('inboxRows', () => {
  it('cuts a long subject on a phone with an ellipsis, within the phone width', () => {
    const subject = 'Exam-proctoring software flagged darker-skinned students more often';
    const { phone, desktop } = inboxRows({ ...SHORT, subject });

    expect(phone.cut.subject).toBe(true);
    expect(phone.shown.subject).toBe('Exam-proctoring software flagged dark…');
    expect([...phone.shown.subject].length).toBeLessThanOrEqual(PHONE_SUBJECT_CHARS);
    // the desktop line has room for all of it
    expect(desktop.shown.subject).toBe(subject);
    expect(desktop.cut.subject).toBe(false);
  });

  it('leaves a short row untouched', () => {
    const { phone, desktop } = inboxRows(SHORT);
    expect(phone.shown).toEqual(SHORT);
    expect(desktop.shown).toEqual(SHORT);
    expect(Object.values(phone.cut).concat(Object.values(desktop.cut))).not.toContain(true);
  });

  it('cuts the preheader after two phone lines, and on desktop after what the subject leaves of the line', () => {
    const preheader = 'A delivery app cut pay by algorithm, a city scored tenants by postcode, and a bank quietly dropped its appeal process for loans';
    const subject = 'Exam-proctoring software flagged darker-skinned students';
    const { phone, desktop } = inboxRows({ ...SHORT, subject, preheader });

    expect(phone.cut.preheader).toBe(true);
    expect(phone.shown.preheader.endsWith('…')).toBe(true);
    expect([...phone.shown.preheader].length).toBeLessThanOrEqual(PHONE_PREHEADER_CHARS);
    expect(preheader.startsWith(phone.shown.preheader.slice(0, -1))).toBe(true);

    expect(desktop.cut.preheader).toBe(true);
    const line = `${desktop.shown.subject} - ${desktop.shown.preheader}`;
    expect([...line].length).toBeLessThanOrEqual(DESKTOP_LINE_CHARS);
    expect(desktop.shown.preheader).toBe('A delivery app cut pay by algorithm, a city scored tenants b…');
  });

  it('drops the desktop preheader when the subject fills the line', () => {
    const { desktop } = inboxRows({ ...SHORT, subject: 'x'.repeat(200) });
    expect([...desktop.shown.subject].length).toBe(DESKTOP_LINE_CHARS);
    expect(desktop.shown.preheader).toBe('');
    expect(desktop.cut.preheader).toBe(true);
  });

  it('counts an emoji with modifiers as one character and never splits it', () => {
    const family = '👩‍👩‍👧‍👦';
    const { phone } = inboxRows({ ...SHORT, subject: `${'a'.repeat(PHONE_SUBJECT_CHARS - 2)}${family.repeat(3)}` });
    expect(phone.shown.subject).toBe(`${'a'.repeat(PHONE_SUBJECT_CHARS - 2)}${family}…`);
  });
});

describe('inboxRowsHtml', () => {
  it('escapes HTML in the subject, sender and preheader', () => {
    const html = inboxRowsHtml(inboxRows({ fromName: 'A <b>', subject: '<img src=x onerror=alert(1)> & "you"', preheader: "it's <script>" }));
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;you&quot;');
    expect(html).toContain('it&#39;s &lt;script&gt;');
  });

  it('shows both rows and says what the phone cut', () => {
    const html = inboxRowsHtml(inboxRows({ ...SHORT, subject: 'Exam-proctoring software flagged darker-skinned students more often' }));
    expect(html).toContain('Phone cuts the subject.');
    expect(html).toContain('inbox-phone');
    expect(html).toContain('inbox-desktop');
    expect(html).toContain('Exam-proctoring software flagged dark…');
    const both = inboxRowsHtml(inboxRows({ ...SHORT, subject: 'x'.repeat(50), preheader: 'y'.repeat(100) }));
    expect(both).toContain('Phone cuts the subject and preheader.');
  });
});
