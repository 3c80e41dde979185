import { MjmlText } from '@faire/mjml-react';
import type { DigestArticle } from './components/article-card.tsx';
import { CategorySections, type DigestSection } from './components/category-section.tsx';
import { CardSection, EmailLayout, Gap } from './components/email-layout.tsx';
import { Footer } from './components/footer.tsx';
import { Header } from './components/header.tsx';
import { SafeMarkdown } from './components/markdown.tsx';
import { TableOfContents } from './components/table-of-contents.tsx';
import { LeadStory } from './components/lead-story.tsx';
import { MoreThisWeek } from './components/more-this-week.tsx';

/** Per-recipient values; at compile time these are slot placeholders, filled per subscriber. */
export interface DigestRecipient {
  /** `Hi Ada,` or `Hello,` */
  greeting: string;
  email: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
}

export interface WeeklyDigestProps {
  /** `topic`: what the publication covers, as it ends "the stories we published this week on …". */
  publication: { name: string; homeUrl: string; postalAddress: string; topic: string };
  week: { id: string; number: number; range: string };
  subject: string;
  preheader: string;
  sections: DigestSection[];
  archiveUrl: string;
  /** Null for the web edition in the public archive: no greeting, no personal link. */
  recipient: DigestRecipient | null;
  /** Where the web edition invites readers to subscribe. */
  subscribeUrl?: string;
  /** The editor's note above the stories (untrusted Markdown, rendered safely) and sign-off after them. */
  note?: string | null;
  signoff?: string | null;
  /** Stories after the lead shown as full cards; the rest go to "More this week", one line each (DIGEST_FULL_CARDS). */
  fullCards?: number;
}

export const DEFAULT_FULL_CARDS = 8;

/** More full cards than this and the digest opens with a table of contents of them. */
export const TOC_THRESHOLD = 5;

export function countArticles(sections: DigestSection[]): number {
  return sections.reduce((sum, section) => sum + section.articles.length, 0);
}

/** Stories regrouped by category, in the order given (which is the issue's). */
function grouped(articles: DigestArticle[]): DigestSection[] {
  const sections: DigestSection[] = [];
  for (const article of articles) {
    const last = sections.at(-1);
    if (last && last.category === article.category) last.articles.push(article);
    else sections.push({ category: article.category, articles: [article] });
  }
  return sections;
}

/** How an issue is laid out: its lead, the full cards after it, and the rest as one line each; the HTML and the text part share it. */
export interface DigestLayout {
  lead: DigestArticle | null;
  cards: DigestSection[];
  more: DigestSection[];
  /** The contents helps only when there are many full cards to scroll past. */
  toc: boolean;
}

export function layoutOf(sections: DigestSection[], fullCards = DEFAULT_FULL_CARDS): DigestLayout {
  const [lead = null, ...rest] = sections.flatMap((section) => section.articles);
  const cards = rest.slice(0, fullCards);
  return { lead, cards: grouped(cards), more: grouped(rest.slice(fullCards)), toc: cards.length > TOC_THRESHOLD };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function introLine(sections: DigestSection[], publicationTopic: string): string {
  const stories = countArticles(sections);
  const topics = sections.length;
  const what = stories === 1 ? 'the one story' : `the ${stories} stories`;
  return `here ${stories === 1 ? 'is' : 'are'} ${what} we published this week on ${publicationTopic}, across ${topics} ${topics === 1 ? 'topic' : 'topics'}: what happened, and why it matters.`;
}

export default function WeeklyDigest(given: WeeklyDigestProps) {
  // React Email renders a template with no props (`<WeeklyDigest />`): its PreviewProps stand in for what is not given.
  const props: WeeklyDigestProps = { ...PreviewProps, ...given };
  const { publication, week, sections, recipient } = props;
  const layout = layoutOf(sections, props.fullCards);
  return (
    <EmailLayout title={props.subject} preheader={props.preheader}>
      <Gap height={24} />
      <Header publicationName={publication.name} homeUrl={publication.homeUrl} kicker={`Weekly digest · Week ${week.number} · ${week.range}`} />
      <CardSection padding="0 28px 24px">
        <MjmlText>
          <p style={{ margin: 0 }}>
            {recipient ? `${recipient.greeting} ${introLine(sections, publication.topic)}` : capitalize(introLine(sections, publication.topic))}
          </p>
        </MjmlText>
        {props.note ? (
          <MjmlText>
            <SafeMarkdown source={props.note} />
          </MjmlText>
        ) : null}
      </CardSection>
      {layout.toc ? (
        <>
          <Gap />
          <TableOfContents lead={layout.lead} sections={layout.cards} more={countArticles(layout.more)} />
        </>
      ) : null}
      {layout.lead ? (
        <>
          <Gap />
          <LeadStory article={layout.lead} />
        </>
      ) : null}
      {layout.cards.length > 0 ? (
        <>
          <Gap />
          <CategorySections sections={layout.cards} />
        </>
      ) : null}
      {layout.more.length > 0 ? (
        <>
          <Gap />
          <MoreThisWeek sections={layout.more} />
        </>
      ) : null}
      {props.signoff ? (
        <CardSection padding="8px 28px 24px">
          <MjmlText>
            <p style={{ margin: 0 }}>{props.signoff}</p>
          </MjmlText>
        </CardSection>
      ) : null}
      {recipient ? (
        <Footer
          reason={`You are receiving this because ${recipient.email} subscribed to the weekly digest of ${publication.name}.`}
          unsubscribeUrl={recipient.unsubscribeUrl}
          preferencesUrl={recipient.preferencesUrl}
          archiveUrl={props.archiveUrl}
          postalAddress={publication.postalAddress}
        />
      ) : (
        <Footer
          reason={`This is the web edition of the weekly digest of ${publication.name}. Get it by email every week, free, with no tracking.`}
          subscribeUrl={props.subscribeUrl}
          postalAddress={publication.postalAddress}
        />
      )}
    </EmailLayout>
  );
}

const sample = (id: number, category: string, title: string, summary: string, why: string): DigestArticle => ({
  id,
  url: `https://harmledger.example/2026/11/18/sample-${id}`,
  title,
  category,
  date: 'Wed 18 Nov',
  summary,
  whyItMatters: why,
  source: { title: 'Original report', name: 'Civic Data Review', url: 'https://review.example.org/report' },
});

export const PreviewProps: WeeklyDigestProps & { recipient: DigestRecipient } = {
  publication: {
    name: 'The Harm Ledger',
    homeUrl: 'https://harmledger.example',
    postalAddress: 'The Harm Ledger, 42 Example Street, Springfield 01234',
    topic: 'the harms and risks of AI',
  },
  week: { id: '2026-W47', number: 47, range: '16–22 November 2026' },
  subject: 'The Harm Ledger · Week 47: Exam-proctoring software flagged darker-skinned students',
  preheader: 'Exam-proctoring software flagged darker-skinned students · A delivery app cut pay by algorithm — and 1 more',
  archiveUrl: 'https://harmledger.example/archive/2026-W47',
  recipient: {
    greeting: 'Hi Ada,',
    email: 'ada@example.com',
    unsubscribeUrl: 'https://harmledger.example/unsubscribe?token=preview',
    preferencesUrl: 'https://harmledger.example/preferences?token=preview',
  },
  sections: [
    {
      category: 'Bias',
      articles: [
        sample(
          1,
          'Bias',
          'Exam-proctoring software flagged darker-skinned students three times as often',
          'An audit of **12,000** remote exams found the tool raised "suspicious behaviour" flags far more often for students with darker skin.',
          'Flags trigger manual reviews that can delay grades and scholarships.',
        ),
      ],
    },
    {
      category: 'Labor',
      articles: [
        sample(
          2,
          'Labor',
          'A delivery app cut pay by algorithm, couriers say',
          'Couriers in three cities compared payslips and found per-trip pay fell after a *routing update*.',
          'Opaque pay formulas leave workers unable to check what they are owed.',
        ),
        sample(3, 'Labor', 'Call-centre staff scored by an emotion model', 'A union survey describes targets set by software that rates tone of voice.', ''),
      ],
    },
  ],
};

/** Where React Email's tools (`email dev`, `email export`) look for a template's sample props. */
WeeklyDigest.PreviewProps = PreviewProps;
