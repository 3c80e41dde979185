import type { DigestArticle } from '../../emails/components/article-card.tsx';
import { countArticles, introLine, layoutOf, type WeeklyDigestProps } from '../../emails/weekly-digest.tsx';
import { markdownToText } from '../text/markdown.ts';
import { toOneLine } from '../text/one-line.ts';
import { wrapText } from '../text/wrap-text.ts';

const RULE = '-'.repeat(78);
const HEAVY_RULE = '='.repeat(78);

/** `Label: URL` on one line when it fits, else the URL on a line of its own (never broken). */
function linkLine(label: string, url: string): string {
  return label.length + 1 + url.length <= 78 ? `${label} ${url}` : `${label}\n${url}`;
}

/**
 * The text/plain twin of the digest, written for people reading it in a
 * terminal client or a screen reader: the same sections and stories, each
 * with its link, wrapped at 78 columns, no markup and no entities. Slot
 * placeholders (greeting, URLs, email) stand on lines of their own so that
 * filling them in never breaks the wrapping.
 */
export function digestText(props: WeeklyDigestProps & { recipient: NonNullable<WeeklyDigestProps['recipient']> }): string {
  const { publication, week, sections, recipient } = props;
  const out: string[] = [];
  out.push(publication.name.toUpperCase(), `Weekly digest · Week ${week.number} · ${week.range}`, '');
  out.push(recipient.greeting, '');
  const intro = introLine(sections, publication.topic);
  out.push(wrapText(intro.charAt(0).toUpperCase() + intro.slice(1)), '');
  if (props.note) out.push(wrapText(markdownToText(props.note)), '');

  const layout = layoutOf(sections, props.fullCards);
  if (layout.toc) {
    out.push('IN THIS ISSUE', '');
    if (layout.lead) out.push(wrapText(`- ${toOneLine(layout.lead.title)} (the lead)`, 78).replace(/\n/g, '\n  '));
    for (const section of layout.cards) {
      for (const article of section.articles) {
        out.push(wrapText(`- ${toOneLine(article.title)} (${section.category})`, 78).replace(/\n/g, '\n  '));
      }
    }
    const more = countArticles(layout.more);
    out.push(...(more > 0 ? ['', `...and ${more} more, one line each, under MORE THIS WEEK.`] : []), '');
  }
  if (layout.lead) out.push(HEAVY_RULE, `THE LEAD · ${toOneLine(layout.lead.category).toUpperCase()}`, HEAVY_RULE, '', ...story(layout.lead));

  for (const section of layout.cards) {
    const count = section.articles.length;
    out.push(HEAVY_RULE, `${toOneLine(section.category).toUpperCase()} · ${count} ${count === 1 ? 'story' : 'stories'}`, HEAVY_RULE, '');
    section.articles.forEach((article, i) => {
      if (i > 0) out.push(RULE, '');
      out.push(...story(article));
    });
  }
  if (layout.more.length > 0) {
    out.push(HEAVY_RULE, 'MORE THIS WEEK', HEAVY_RULE, '');
    for (const section of layout.more) {
      out.push(toOneLine(section.category), '');
      for (const a of section.articles)
        out.push(wrapText(`- ${toOneLine(a.title)} (${toOneLine(a.source.name)}, ${a.date})`, 76).replace(/\n/g, '\n  '), `  ${a.url}`);
      out.push('');
    }
  }

  if (props.signoff) out.push(HEAVY_RULE, '', wrapText(toOneLine(props.signoff)), '');
  out.push('-- ', wrapText(`You get this email because you subscribed to the weekly digest of ${publication.name} as:`), recipient.email, '');
  out.push('Unsubscribe:', recipient.unsubscribeUrl, '', 'Choose your topics:', recipient.preferencesUrl, '');
  out.push('Read this issue in your browser:', props.archiveUrl, '');
  out.push(wrapText(publication.postalAddress), '');
  return out.join('\n');
}

/** A full story: title, date and source, summary, why it matters, links. */
function story(article: DigestArticle): string[] {
  const out = [wrapText(toOneLine(article.title)), `${article.date} · reported by ${toOneLine(article.source.name)}`, ''];
  if (article.summary) out.push(wrapText(markdownToText(article.summary)), '');
  if (article.whyItMatters) out.push(wrapText(`Why this matters: ${markdownToText(article.whyItMatters)}`), '');
  out.push(linkLine('Read the story:', article.url), linkLine(`Original source, ${toOneLine(article.source.name)}:`, article.source.url), '');
  return out;
}
