import { MjmlText } from '@faire/mjml-react';
import type { DigestSection } from './category-section.tsx';
import { CardSection } from './email-layout.tsx';

/** "In this issue": the headlines by category, shown when the digest holds more than a handful. */
export function TableOfContents({ sections }: { sections: DigestSection[] }) {
  return (
    <CardSection padding="22px 28px">
      <MjmlText>
        <p className="label" style={{ letterSpacing: '1px' }}>
          IN THIS ISSUE
        </p>
        {sections.map((section) => (
          <div key={section.category} className="toc">
            <p className="meta" style={{ margin: '10px 0 2px' }}>
              {section.category}
            </p>
            <ul style={{ margin: 0, paddingLeft: '20px' }}>
              {section.articles.map((article) => (
                <li key={article.id}>
                  <a href={article.url}>{article.title}</a>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </MjmlText>
    </CardSection>
  );
}
