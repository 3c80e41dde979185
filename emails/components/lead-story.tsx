import { MjmlText } from '@faire/mjml-react';
import { type DigestArticle, StoryBody } from './article-card.tsx';
import { CardSection } from './email-layout.tsx';
import { WIDTH } from './theme.ts';
import { FluidImage, Headline } from './themed.tsx';

/** The lead image's width: the card's inner width (600 px less 28 px padding each side). */
export const LEAD_IMAGE_WIDTH = WIDTH - 56;

/**
 * The first story, shown large: its image (when it has a safe one)
 * above a bigger headline. The image is a plain <img> in the text block: an
 * <mj-image> costs a table of its own. Its width is set for Outlook's Word
 * engine; its height follows the picture (height:auto), whose proportions
 * the store does not know. A light border frames pictures with white edges
 * on a dark page.
 */
export function LeadStory({ article }: { article: DigestArticle }) {
  return (
    <CardSection padding="24px 28px 20px">
      <MjmlText>
        <div className="card lead">
          {article.image ? (
            <a href={article.url} className="lead-img">
              <FluidImage src={article.image} width={LEAD_IMAGE_WIDTH} alt={article.title} />
            </a>
          ) : null}
          <p className="label">{`THE LEAD · ${article.category.toUpperCase()}`}</p>
          <Headline as="h2" href={article.url}>
            {article.title}
          </Headline>
          <p className="meta">{`${article.source.name} · ${article.date}`}</p>
          <StoryBody article={article} />
        </div>
      </MjmlText>
    </CardSection>
  );
}
