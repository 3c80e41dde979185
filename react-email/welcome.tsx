import { PreviewProps, type WelcomeProps } from '../emails/welcome.tsx';
import { CompiledEmail } from './compiled.ts';

/** emails/welcome.tsx as React Email's tools show it: compiled (see compiled.ts). */
export default function WelcomeEmail(props: WelcomeProps) {
  return <CompiledEmail name="welcome" props={props} />;
}

WelcomeEmail.PreviewProps = PreviewProps;
