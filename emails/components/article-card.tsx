import { MjmlText } from '@faire/mjml-react';
import { SafeMarkdown } from './markdown.tsx';
import { palette } from './theme.ts';

/** One article as the digest shows it; text fields are untrusted and escaped. */
export interface DigestArticle {
  id: number;
  url: string;
  title: string;
  category: string;
  /** Display date, e.g. `Tue 17 Nov` */
  date: string;
  /** Machine date for <time>, e.g. `2026-11-17` */
  isoDate: string;
  /** Markdown */
  summary: string;
  /** Markdown; may be empty */
  whyItMatters: string;
  source: { title: string; name: string; url: string };
}

export function ArticleCard({ article, first }: { article: DigestArticle; first: boolean }) {
  return (
    <MjmlText paddingTop={first ? '0' : '24px'}>
      <div
        className="card"
        style={first ? undefined : { borderTop: `1px solid ${palette.light.rule}`, paddingTop: '24px' }}
      >
        <h2>
          <a href={article.url}>{article.title}</a>
        </h2>
        <p className="meta">{`${article.category} · ${article.date} · reported by ${article.source.name}`}</p>
        <SafeMarkdown source={article.summary} />
        {article.whyItMatters ? (
          <div className="why">
            <p className="label">Why this matters</p>
            <SafeMarkdown source={article.whyItMatters} />
          </div>
        ) : null}
        <p className="actions">
          <a className="btn" href={article.url} aria-label={`Read the story: ${article.title}`}>
            Read the story
          </a>
          <a className="src" href={article.source.url}>{`Original source: ${article.source.name}`}</a>
        </p>
      </div>
    </MjmlText>
  );
}
