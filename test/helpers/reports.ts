/*
 * Report messages as mailbox providers send them back: ARF complaints
 * (RFC 5965, as Yahoo's and Microsoft's feedback loops send) and DSN bounces
 * (RFC 3464, as Postfix writes them). CRLF line ends, as on the wire.
 */

const crlf = (text: string) => Buffer.from(text.replace(/\r?\n/g, '\r\n'));

/** The headers of the digest copy a report is about. */
export function originalHeaders(messageId: string, to: string): string {
  return `From: The Harm Ledger <digest@harmledger.example>
To: ${to}
Subject: The Harm Ledger · Week 47: a story
Message-ID: ${messageId}
List-Unsubscribe-Post: List-Unsubscribe=One-Click
`;
}

export function arfReport(o: { reportId: string; original: string; feedbackType?: string; rcptTo?: string; originalEncoding?: 'base64' }): Buffer {
  const original =
    o.originalEncoding === 'base64'
      ? Buffer.from(`${o.original}\nThe digest's text.\n`).toString('base64').replace(/.{76}/g, '$&\n')
      : `${o.original}\nThe digest's text.\n`;
  return crlf(`From: Mail Feedback <feedback@fbl.mailprovider.example>
To: abuse@harmledger.example
Subject: Complaint about a message from 192.0.2.10
Message-ID: ${o.reportId}
Date: Mon, 23 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
\tboundary="----=_report_1"

This is a multi-part message in MIME format.

------=_report_1
Content-Type: text/plain; charset="us-ascii"

This is an email abuse report for a message received from IP 192.0.2.10.

------=_report_1
Content-Type: message/feedback-report

Feedback-Type: ${o.feedbackType ?? 'abuse'}
User-Agent: MailProvider-Feedback/1.0
Version: 1
Original-Mail-From: <digest@harmledger.example>
Original-Rcpt-To: ${o.rcptTo ?? '<redacted@mailprovider.example>'}
Arrival-Date: Mon, 23 Nov 2026 09:00:00 +0000

------=_report_1
Content-Type: message/rfc822${o.originalEncoding ? `\nContent-Transfer-Encoding: ${o.originalEncoding}` : ''}

${original}
------=_report_1--
`);
}

export function dsnReport(o: { reportId: string; recipient: string; action: string; status: string; diagnostic?: string; original?: string }): Buffer {
  return crlf(`From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: digest@harmledger.example
Message-ID: ${o.reportId}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="A1B2C3.1700000000/mx.example.net"

This is a MIME-encapsulated message.

--A1B2C3.1700000000/mx.example.net
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net.
I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--A1B2C3.1700000000/mx.example.net
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
X-Postfix-Queue-ID: 4F1A2B3C4D
Arrival-Date: Mon, 23 Nov 2026 09:00:00 +0000

Final-Recipient: rfc822; ${o.recipient}
Original-Recipient: rfc822;${o.recipient}
Action: ${o.action}
Status: ${o.status}
Remote-MTA: dns; mail.example.org
Diagnostic-Code: smtp; ${o.diagnostic ?? `550 5.1.1 <${o.recipient}>: Recipient address\n    rejected: User unknown in virtual mailbox table`}
${
  o.original === undefined
    ? ''
    : `
--A1B2C3.1700000000/mx.example.net
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

${o.original}`
}
--A1B2C3.1700000000/mx.example.net--
`);
}
