import { useState } from "react";
import { supabase } from "@/integrations/supabase/client";
import { Button } from "@/components/ui/button";

export default function Login() {
  const [error, setError] = useState<string | null>(null);

  const handleGoogle = async () => {
    const { error } = await supabase.auth.signInWithOAuth({
      provider: "google",
      options: { redirectTo: window.location.origin },
    });
    if (error) setError(error.message);
  };

  return (
    <main>
      <Button onClick={handleGoogle}>Continue with Google</Button>
      {error && <p role="alert">{error}</p>}
    </main>
  );
}
