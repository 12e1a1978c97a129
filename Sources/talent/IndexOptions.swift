import ArgumentParser

/// The `--index` option every index command shares.
struct IndexOptions: ParsableArguments {
    @Option(name: .long, help: "The index folder.")
    var index = "index"
}
