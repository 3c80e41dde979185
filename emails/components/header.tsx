import { MjmlText } from '@faire/mjml-react';
import { CardSection } from './email-layout.tsx';
import { fonts, palette } from './theme.ts';

export interface HeaderProps {
  publicationName: string;
  homeUrl: string;
  /** e.g. `Weekly digest · Week 47 · 16–22 November 2026` */
  kicker: string;
}

export function Header({ publicationName, homeUrl, kicker }: HeaderProps) {
  return (
    <CardSection padding="28px 28px 20px">
      <MjmlText>
        <div className="bar" style={{ height: '4px', width: '48px', background: palette.light.accent, marginBottom: '16px' }} />
        <h1 style={{ margin: 0, fontFamily: fonts.serif, fontSize: '30px', lineHeight: '1.2', fontWeight: 700 }}>
          <a href={homeUrl} style={{ color: palette.light.text, textDecoration: 'none' }}>
            {publicationName}
          </a>
        </h1>
        <p className="meta" style={{ margin: '6px 0 0' }}>
          {kicker}
        </p>
      </MjmlText>
    </CardSection>
  );
}
