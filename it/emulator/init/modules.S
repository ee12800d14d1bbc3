/* Kernel modules embedded into the init (paths are given by make-dev-blobs.sh with -I). */
    .section .rodata
    .balign 16
    .global mod_virtio_mmio, mod_virtio_mmio_end
mod_virtio_mmio: .incbin "virtio_mmio.ko"
mod_virtio_mmio_end:
    .balign 16
    .global mod_vsock, mod_vsock_end
mod_vsock: .incbin "vsock.ko"
mod_vsock_end:
    .balign 16
    .global mod_vsock_common, mod_vsock_common_end
mod_vsock_common: .incbin "vmw_vsock_virtio_transport_common.ko"
mod_vsock_common_end:
    .balign 16
    .global mod_vsock_virtio, mod_vsock_virtio_end
mod_vsock_virtio: .incbin "vmw_vsock_virtio_transport.ko"
mod_vsock_virtio_end:
    .section .note.GNU-stack,"",@progbits
