import { lovable } from "@/integrations/lovable/index";
import { supabase } from "@/integrations/supabase/client";

export async function signInWithLovable() {
  return lovable.auth.signInWithOAuth("lovable", { redirect_uri: window.location.origin });
}

export async function signInWithGoogle() {
  const result = await lovable.auth.signInWithOAuth("google");
  if (result.redirected) return;
  if (result.error) throw result.error;
  await supabase.auth.getSession();
}
