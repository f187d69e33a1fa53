import { base44 } from "@/api/base44Client";

export function SocialButtons() {
  return (
    <>
      <button onClick={() => base44.auth.loginWithProvider("google", "/dashboard")}>Google</button>
      <button onClick={() => base44.auth.loginWithProvider("microsoft")}>Microsoft</button>
      <button onClick={() => base44.auth.loginWithProvider("google")}>Google again</button>
    </>
  );
}
