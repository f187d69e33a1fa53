import { defineTransformTests } from "@ownit/codemod/testing";

defineTransformTests(import.meta.dirname);
