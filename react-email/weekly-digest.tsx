import { PreviewProps, type WeeklyDigestProps } from '../emails/weekly-digest.tsx';
import { CompiledEmail } from './compiled.ts';

/** emails/weekly-digest.tsx as React Email's tools show it: compiled (see compiled.ts). */
export default function WeeklyDigestEmail(props: WeeklyDigestProps) {
  return <CompiledEmail name="weekly-digest" props={props} />;
}

WeeklyDigestEmail.PreviewProps = PreviewProps;
