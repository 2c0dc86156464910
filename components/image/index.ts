export { GoServiceImage, GoServiceImageArgs } from "./go-service-image";
export { buildGoServiceImage, ImageBuilder } from "./builder";
export { imageArgsFromSettings } from "./from-settings";
export { hashBuildInputs, imageContentHash, goBuildFiles, goImports, BuildInputs, SourceHash } from "./source-hash";
