import { MjmlText } from '@faire/mjml-react';
import type { DigestSection } from './category-section.tsx';
import { CardSection } from './email-layout.tsx';

/** "In this issue": shown when the digest holds more than a handful of stories. */
export function TableOfContents({ sections }: { sections: DigestSection[] }) {
  return (
    <CardSection padding="22px 36px">
      <MjmlText>
        <p className="label" style={{ textTransform: 'uppercase', letterSpacing: '1px' }}>
          In this issue
        </p>
        <ul className="toc" style={{ margin: '8px 0 0', paddingLeft: '20px' }}>
          {sections.flatMap((section) =>
            section.articles.map((article) => (
              <li key={article.id} style={{ margin: '0 0 6px' }}>
                <a href={article.url}>{article.title}</a>
                <span className="meta">{` — ${section.category}`}</span>
              </li>
            )),
          )}
        </ul>
      </MjmlText>
    </CardSection>
  );
}
