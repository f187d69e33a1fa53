import { useState } from "react";
import { lovable } from "@/integrations/lovable/index";
import { Button } from "@/components/ui/button";

export default function Login() {
  const [error, setError] = useState<string | null>(null);

  const handleGoogle = async () => {
    const { error } = await lovable.auth.signInWithOAuth("google", {
      redirect_uri: window.location.origin,
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
