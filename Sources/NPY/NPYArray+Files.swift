// Reading and writing `.npy` files.

extension NPYArray {
    /// Reads the `.npy` file at `path`.
    ///
    /// - Throws: ``NPYError/fileReadFailed(path:reason:)`` if the file cannot
    ///   be read, or ``NPYError/inFile(path:error:)`` wrapping the format
    ///   error; either way the message starts with or contains the path.
    public init(contentsOfFile path: String) throws {
        let bytes = try FileReader.contents(ofFile: path)
        do throws(NPYError) {
            self = try Self.parse(bytes)
        } catch {
            throw NPYError.inFile(path: path, error: error)
        }
    }

    /// Writes the array to `path` as a `.npy` file (see ``serialized()``),
    /// atomically: the data goes to a temporary file in the same directory,
    /// which is flushed and then renamed over `path`.
    ///
    /// - Throws: ``NPYError/inFile(path:error:)`` if the properties are
    ///   inconsistent, ``NPYError/directoryNotFound(path:directory:)`` if the
    ///   destination's directory does not exist, or
    ///   ``NPYError/fileWriteFailed(path:reason:)``. On failure the temporary
    ///   file is removed and no destination file is created.
    public func write(toFile path: String) throws {
        do throws(NPYError) {
            try validate()
        } catch {
            throw NPYError.inFile(path: path, error: error)
        }
        try AtomicFileWriter.replaceContents(ofFile: path, with: serialized())
    }
}
