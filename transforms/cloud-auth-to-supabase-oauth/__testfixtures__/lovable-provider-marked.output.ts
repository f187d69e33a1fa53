import { lovable } from "@/integrations/lovable/index";
import { supabase } from "@/integrations/supabase/client";

export async function signInWithLovable() {
  // ownit-todo: "lovable" sign-in exists only on Lovable: offer a provider Supabase Auth supports instead
  return lovable.auth.signInWithOAuth("lovable", { redirect_uri: window.location.origin });
}

export async function signInWithGoogle() {
  const result = await supabase.auth.signInWithOAuth({ provider: "google" });
  // ownit-todo: supabase.auth.signInWithOAuth redirects the browser and returns { data, error }: result.redirected / .tokens no longer exist
  if (result.redirected) return;
  if (result.error) throw result.error;
  await supabase.auth.getSession();
}
