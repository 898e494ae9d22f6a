// Memory read bandwidth with N threads: each thread sums its share of a 1 GiB float array five times with
// AVX2 loads. The ceiling for f32 decode (which streams all weights once per step). BENCHMARKS.md quotes it.
// Build and run: gcc -O2 -mavx2 -pthread Scripts/bench/membw.c -o membw && ./membw 1 && ./membw 2
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define FLOATS (256L * 1024 * 1024)
#define PASSES 5
#define MAX_THREADS 64

static float *data;
static int threads;

typedef struct { int id; float sum; } Work;

static void *reader(void *argument) {
    Work *work = argument;
    long share = FLOATS / threads, begin = work->id * share;
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (int pass = 0; pass < PASSES; pass++)
        for (long i = begin; i < begin + share; i += 32) {
            s0 = _mm256_add_ps(s0, _mm256_load_ps(data + i));
            s1 = _mm256_add_ps(s1, _mm256_load_ps(data + i + 8));
            s2 = _mm256_add_ps(s2, _mm256_load_ps(data + i + 16));
            s3 = _mm256_add_ps(s3, _mm256_load_ps(data + i + 24));
        }
    float lanes[8];
    _mm256_storeu_ps(lanes, _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    work->sum = lanes[0];  // used, so the loads are not optimised away
    return NULL;
}

int main(int argc, char **argv) {
    threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > MAX_THREADS) { fprintf(stderr, "usage: membw THREADS (1...%d)\n", MAX_THREADS); return 2; }
    data = aligned_alloc(64, FLOATS * sizeof(float));
    if (!data) { fprintf(stderr, "membw: cannot allocate 1 GiB\n"); return 1; }
    for (long i = 0; i < FLOATS; i++) data[i] = 1;
    pthread_t ids[MAX_THREADS];
    Work work[MAX_THREADS];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int t = 0; t < threads; t++) { work[t].id = t; pthread_create(&ids[t], NULL, reader, &work[t]); }
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("threads %d: %.1f GB/s read (checksum %.0f)\n", threads, (double)PASSES * FLOATS * sizeof(float) / seconds / 1e9,
           (double)work[0].sum);
    return 0;
}
