import { MjmlText } from '@faire/mjml-react';
import { ArticleCard, type DigestArticle } from './article-card.tsx';
import { CardSection } from './email-layout.tsx';
import { palette } from './theme.ts';

export interface DigestSection {
  category: string;
  articles: DigestArticle[];
}

export function sectionHeading(section: DigestSection): string {
  const count = section.articles.length;
  return `${section.category} · ${count} ${count === 1 ? 'story' : 'stories'}`;
}

/**
 * All sections share one card and one <mj-text>: every extra MJML section
 * costs ~2 KB of table scaffolding, and Gmail clips at ~102 KB.
 */
export function CategorySections({ sections }: { sections: DigestSection[] }) {
  return (
    <CardSection padding="8px 28px 20px">
      <MjmlText>
        {sections.map((section) => (
          <div key={section.category} className="section" style={{ borderTop: `3px solid ${palette.light.accent}`, marginTop: '20px', paddingTop: '12px' }}>
            <h2 className="label" style={{ letterSpacing: '1px', margin: 0 }}>
              {sectionHeading(section).toUpperCase()}
            </h2>
            {section.articles.map((article, i) => (
              <ArticleCard key={article.id} article={article} first={i === 0} />
            ))}
          </div>
        ))}
      </MjmlText>
    </CardSection>
  );
}
