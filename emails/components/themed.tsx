import { Heading, Img, Link } from '@react-email/components';
import type { ReactNode } from 'react';
import { palette } from './theme.ts';

/**
 * React Email's components inside our MJML text blocks, with the theme in
 * charge. Each brings inline defaults of its own (Link: blue #067df7 and no
 * underline; Img: `border:none`), and an inline style beats the theme's
 * classes that MJML inlines, so each wrapper passes the theme's values
 * explicitly; the dark-mode rules (`!important`) still win over both.
 */

type Tone = keyof Pick<(typeof palette)['light'], 'text' | 'accent' | 'muted'>;

/**
 * A link in the theme's colour: `plain` (headlines) without underline, others
 * underlined as readers expect. Two of Link's defaults go, as caniemail lists
 * them as unsupported: `target="_blank"` (Gmail forces its own; a null target
 * is left out, where undefined would take the default) and
 * `text-decoration-line` (Outlook for Windows; the shorthand works everywhere).
 */
export function ThemedLink(props: { href: string; tone?: Tone; plain?: boolean; className?: string; children: ReactNode }) {
  const { href, tone = 'accent', plain = false, className, children } = props;
  const style = { color: palette.light[tone], textDecorationLine: undefined, textDecoration: plain ? 'none' : 'underline' };
  return (
    <Link href={href} className={className} target={NO_TARGET} style={style}>
      {children}
    </Link>
  );
}

const NO_TARGET = null as unknown as string;

/** A story's headline: the heading level given, its link plain and in the text colour. */
export function Headline({ as, href, children }: { as: 'h2' | 'h3'; href: string; children: ReactNode }) {
  return (
    <Heading as={as}>
      <ThemedLink href={href} tone="text" plain>
        {children}
      </ThemedLink>
    </Heading>
  );
}

/**
 * A picture as wide as the card on a desktop and fluid on a phone: the width
 * attribute for Outlook's Word engine, height:auto for the rest, framed by a
 * hairline in the theme's rule colour (dark mode recolours it).
 */
export function FluidImage({ src, alt, width }: { src: string; alt: string; width: number }) {
  return (
    <Img
      src={src}
      alt={alt}
      width={width}
      style={{ width: '100%', maxWidth: `${width}px`, height: 'auto', margin: '0 0 16px', border: `1px solid ${palette.light.rule}`, borderRadius: '6px' }}
    />
  );
}
