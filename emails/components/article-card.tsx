import { SafeMarkdown } from './markdown.tsx';
import { palette } from './theme.ts';
import { Headline, ThemedLink } from './themed.tsx';

/** One article as the digest shows it; text fields are untrusted and escaped. */
export interface DigestArticle {
  id: number;
  url: string;
  title: string;
  category: string;
  /** Display date, e.g. `Tue 17 Nov` */
  date: string;
  /** Markdown; may be empty (a feed item that is only a headline) */
  summary: string;
  /** Markdown; may be empty */
  whyItMatters: string;
  source: { title: string; name: string; url: string };
  /** An https picture for the story (shown for the lead only); absent: none. */
  image?: string | null;
}

/**
 * Plain HTML inside the section's one <mj-text>: a card per article costs
 * about 1 KB of markup, which keeps 30 articles under Gmail's clipping limit.
 * The title link and the source link are blocks >= 44 px tall for thumbs.
 */
export function ArticleCard({ article, first }: { article: DigestArticle; first: boolean }) {
  return (
    <div className="card" style={first ? undefined : { borderTop: `1px solid ${palette.light.rule}`, marginTop: '20px', paddingTop: '14px' }}>
      <Headline as="h3" href={article.url}>
        {article.title}
      </Headline>
      <p className="meta">{`${article.category} · ${article.date}`}</p>
      <StoryBody article={article} />
    </div>
  );
}

/** What a full story says under its headline: summary, why it matters, the original source; the lead's and every card's. */
export function StoryBody({ article }: { article: DigestArticle }) {
  return (
    <>
      {/* A feed item may be a bare headline. */}
      {article.summary ? <SafeMarkdown source={article.summary} /> : null}
      {article.whyItMatters ? (
        <div className="why">
          <p className="label">Why this matters</p>
          <SafeMarkdown source={article.whyItMatters} />
        </div>
      ) : null}
      <ThemedLink className="src" href={article.source.url}>{`Original source: ${article.source.name}`}</ThemedLink>
    </>
  );
}
