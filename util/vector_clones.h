/* Image loops built twice, for AVX2 and for the x86-64 baseline (SSE2), the CPU's version chosen
 * as the program loads (function multi-versioning: GCC and Clang resolve it through an ifunc).
 * Debian's baseline stays the requirement; where AVX2 is there, these loops run 8 floats at a
 * time instead of 4. The arithmetic is the same operations in the same order in either (AVX2
 * brings no fused multiply-add), so the results are the same to the bit. */
#ifndef NG_VECTOR_CLONES_H
#define NG_VECTOR_CLONES_H

/* Not under ThreadSanitizer: the resolvers run while the program is being loaded, before TSan's
 * runtime is up, and instrumented they crash there (the sanitizer builds check correctness, and
 * the baseline loops are the same arithmetic). */
#if defined(__SANITIZE_THREAD__)
#define NG_NO_VECTOR_CLONES
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NG_NO_VECTOR_CLONES
#endif
#endif

#if defined(__x86_64__) && defined(__has_attribute) && !defined(NG_NO_VECTOR_CLONES)
#if __has_attribute(target_clones)
#define NG_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef NG_VECTOR_CLONES
#define NG_VECTOR_CLONES
#endif

#endif
