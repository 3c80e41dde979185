import { PreviewProps, type ConfirmSubscriptionProps } from '../emails/confirm-subscription.tsx';
import { CompiledEmail } from './compiled.ts';

/** emails/confirm-subscription.tsx as React Email's tools show it: compiled (see compiled.ts). */
export default function ConfirmSubscriptionEmail(props: ConfirmSubscriptionProps) {
  return <CompiledEmail name="confirm-subscription" props={props} />;
}

ConfirmSubscriptionEmail.PreviewProps = PreviewProps;
