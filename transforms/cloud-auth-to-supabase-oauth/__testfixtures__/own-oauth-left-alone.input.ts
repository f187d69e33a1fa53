// Moved off src/integrations/lovable last spring; this is plain Supabase Auth.
import { supabase } from "@/integrations/supabase/client";

export const signInWithGitHub = () =>
  supabase.auth.signInWithOAuth({ provider: "github", options: { redirectTo: window.location.origin } });
