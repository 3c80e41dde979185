import { MjmlText } from '@faire/mjml-react';
import { ArticleCard, type DigestArticle } from './article-card.tsx';
import { CardSection } from './email-layout.tsx';

export interface DigestSection {
  category: string;
  articles: DigestArticle[];
}

export function CategorySection({ section }: { section: DigestSection }) {
  const count = section.articles.length;
  return (
    <CardSection>
      <MjmlText paddingBottom="18px">
        <p className="label" style={{ textTransform: 'uppercase', letterSpacing: '1px', margin: 0 }}>
          {`${section.category} · ${count} ${count === 1 ? 'story' : 'stories'}`}
        </p>
      </MjmlText>
      {section.articles.map((article, i) => (
        <ArticleCard key={article.id} article={article} first={i === 0} />
      ))}
    </CardSection>
  );
}
