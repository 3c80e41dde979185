import { MjmlText } from '@faire/mjml-react';
import type { DigestSection } from './category-section.tsx';
import { CardSection } from './email-layout.tsx';
import { ThemedLink } from './themed.tsx';

/**
 * The stories past the full cards: one line each (title link, source, date),
 * still grouped by category. About 250 bytes a story against a card's 1 KB
 * and more: a 30-story week stays far from Gmail's clip, and nothing is cut.
 */
export function MoreThisWeek({ sections }: { sections: DigestSection[] }) {
  return (
    <CardSection padding="20px 28px">
      <MjmlText>
        <h2 className="label" style={{ letterSpacing: '1px' }}>
          MORE THIS WEEK
        </h2>
        {sections.map((section) => (
          <div key={section.category} className="more">
            <h3 className="meta">{section.category}</h3>
            <ul>
              {section.articles.map((article) => (
                <li key={article.id}>
                  <ThemedLink href={article.url} tone="text">
                    {article.title}
                  </ThemedLink>{' '}
                  <span className="meta">{`${article.source.name} · ${article.date}`}</span>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </MjmlText>
    </CardSection>
  );
}
