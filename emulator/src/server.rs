//! Binding and serving: a loopback-only listener, one hyper HTTP/1.1 connection per client, and a
//! per-connection [`ConnectionKill`] so a `drop` fault can close the socket without answering.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower::ServiceExt;

use crate::config::EmulatorConfig;
use crate::handle::Emulator;
use crate::routes::{app, ConnectionKill};

/// A started emulator: its address, its state, and the means to stop it.
pub struct RunningEmulator {
    addr: SocketAddr,
    emulator: Emulator,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl RunningEmulator {
    /// The bound address (the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The shared state, for direct inspection in tests.
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// Stops accepting connections and waits for the accept loop to end.
    pub async fn shutdown(mut self) {
        if let Some(sender) = self.shutdown.take() {
            let _ = sender.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts an emulator with `config` on `addr`, which must be a loopback address (port 0 picks a
/// free port). Returns once the socket is bound.
pub async fn serve(addr: SocketAddr, config: EmulatorConfig) -> io::Result<RunningEmulator> {
    serve_emulator(addr, Emulator::new(config)).await
}

/// Like [`serve`], for an [`Emulator`] made beforehand.
pub async fn serve_emulator(addr: SocketAddr, emulator: Emulator) -> io::Result<RunningEmulator> {
    if !addr.ip().is_loopback() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the emulator listens on loopback addresses only, not {addr}"),
        ));
    }
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let router = app(emulator.clone());
    let (shutdown, mut stop) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                _ = &mut stop => break,
                accepted = listener.accept() => accepted,
            };
            let stream = match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let router = router.clone();
            tokio::spawn(async move {
                let kill = ConnectionKill::default();
                let for_requests = kill.clone();
                let service = hyper::service::service_fn(
                    move |mut request: hyper::Request<hyper::body::Incoming>| {
                        request.extensions_mut().insert(for_requests.clone());
                        router.clone().oneshot(request.map(axum::body::Body::new))
                    },
                );
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service);
                tokio::select! {
                    _ = connection => {}
                    _ = kill.fired() => {}
                }
            });
        }
    });
    Ok(RunningEmulator {
        addr,
        emulator,
        shutdown: Some(shutdown),
        task,
    })
}
