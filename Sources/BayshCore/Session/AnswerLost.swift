extension SessionError {
    /// A call that went out and whose answer never came: the server may have run it, so it is not sent again, and
    /// the user is told so rather than shown a timeout or a connection error that reads as "nothing happened".
    static func answerLost(_ operation: String, after waited: Duration, detail: String) -> SessionError {
        .transport(
            "\(operation): the connection was lost after the call was sent; it may have run (no answer "
                + "\(format(waited)) after sending: \(detail)); it was not sent again: check before repeating it")
    }
}
