export { GoServiceImage, GoServiceImageArgs, IMAGE_PLATFORMS, ImagePlatform, resolveImageArgs } from "./go-service-image";
export { buildGoServiceImage, IMAGE_BUILDERS, ImageBuilder } from "./builder";
export { imageProblems } from "./validate";
export { hashBuildInputs, imageContentHash, goBuildFiles, goImports, BuildInputs, SourceHash } from "./source-hash";
export { RegistryImage, RegistryImageArgs } from "./registry-image";
