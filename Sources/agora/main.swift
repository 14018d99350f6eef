import App
#if canImport(Glibc)
    import Glibc

    // Two malloc arenas instead of glibc's default of eight per core: the server's threads (event
    // loops, the concurrency pool, SQLite's thread pool) otherwise each grow an arena of their own,
    // and the peak memory under load is 10–15 % higher for no speed (docs/PERFORMANCE.md).
    // Set before the server starts its threads; MALLOC_ARENA_MAX in the environment still wins.
    // (glibc's <malloc.h> is not in Swift's Glibc module: the function is declared here.)
    @_silgen_name("mallopt") func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
    let glibcArenaMax: Int32 = -8  // M_ARENA_MAX
    if getenv("MALLOC_ARENA_MAX") == nil { _ = glibcMallopt(glibcArenaMax, 2) }
#endif

await Entrypoint.main()
