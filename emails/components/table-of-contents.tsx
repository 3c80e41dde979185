import { MjmlText } from '@faire/mjml-react';
import type { DigestArticle } from './article-card.tsx';
import type { DigestSection } from './category-section.tsx';
import { CardSection } from './email-layout.tsx';
import { ThemedLink } from './themed.tsx';

/** "In this issue": the full cards' headlines by category, and how many more follow one line each. */
export function TableOfContents({ lead, sections, more }: { lead: DigestArticle | null; sections: DigestSection[]; more: number }) {
  return (
    <CardSection padding="22px 28px">
      <MjmlText>
        <p className="label" style={{ letterSpacing: '1px' }}>
          IN THIS ISSUE
        </p>
        {lead ? (
          <div className="toc">
            <p className="meta" style={{ margin: '10px 0 2px' }}>
              The lead
            </p>
            <ul style={{ margin: 0, paddingLeft: '20px' }}>
              <li>
                <ThemedLink href={lead.url} tone="text">
                  {lead.title}
                </ThemedLink>
              </li>
            </ul>
          </div>
        ) : null}
        {sections.map((section) => (
          <div key={section.category} className="toc">
            <p className="meta" style={{ margin: '10px 0 2px' }}>
              {section.category}
            </p>
            <ul style={{ margin: 0, paddingLeft: '20px' }}>
              {section.articles.map((article) => (
                <li key={article.id}>
                  <ThemedLink href={article.url} tone="text">
                    {article.title}
                  </ThemedLink>
                </li>
              ))}
            </ul>
          </div>
        ))}
        {more > 0 ? <p className="meta" style={{ margin: '10px 0 0' }}>{`…and ${more} more, one line each, under More this week.`}</p> : null}
      </MjmlText>
    </CardSection>
  );
}
